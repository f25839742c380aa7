package dev.streamworks.bench;

import java.time.Instant;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Clicks for the bench: unique {@code event_id}s (nothing for the de-duplication to drop), a
 * random user and product each, the course's mix of event types, valid JSON only. Correlation
 * key: product and 5-minute window of {@code clicks-per-product-5m}.
 */
public final class BenchClicks implements BenchTraffic {

    static final long WINDOW_MS = 5 * 60_000L;
    private static final String[] TYPES = {"view", "add_to_cart", "purchase", "remove"};

    private final String[] productIds;
    private final int users;
    private final String runPrefix;
    private final SplittableRandom random;
    private long sent;

    /** @param runPrefix makes {@code event_id}s unique across runs that share a broker */
    public BenchClicks(int products, int users, String runPrefix, long seed) {
        if (products < 1 || users < 1) {
            throw new IllegalArgumentException("products and users must be positive");
        }
        this.productIds = new String[products];
        for (int i = 0; i < products; i++) {
            productIds[i] = String.format(Locale.ROOT, "p-%04d", i);
        }
        this.users = users;
        this.runPrefix = runPrefix;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public Generated next(long eventTimeMs) {
        String product = productIds[random.nextInt(productIds.length)];
        double roll = random.nextDouble();
        String type = roll < 0.70 ? TYPES[0] : roll < 0.90 ? TYPES[1] : roll < 0.97 ? TYPES[2] : TYPES[3];
        long id = sent++;
        StringBuilder value = new StringBuilder(200).append("{\"event_id\":\"").append(runPrefix).append('-').append(id)
                .append("\",\"timestamp\":\"").append(Instant.ofEpochMilli(eventTimeMs))
                .append("\",\"user_id\":\"u-").append(random.nextInt(users))
                .append("\",\"event_type\":\"").append(type)
                .append("\",\"product_id\":\"").append(product)
                .append("\",\"price\":").append(5 + (product.hashCode() & 0xff))
                .append(",\"quantity\":").append(1 + random.nextInt(3)).append('}');
        return new Generated(product, value.toString(),
                BenchTraffic.correlationKey(product, BenchTraffic.windowStart(eventTimeMs, WINDOW_MS)));
    }
}
