package dev.streamworks.devstack;

import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Product impressions (a product shown to a user) for the same users and catalogue as
 * {@link ClickTraffic}, so clicks within the hour after an impression of the same user match.
 * A few arrive far too late (half an hour old, beyond the impressions' grace) and a few are
 * broken (not JSON, a missing product).
 */
public final class ImpressionTraffic implements Traffic {

    public static final String TOPIC = "user-impressions";

    private final int users;
    private final EventClock clock;
    private final SplittableRandom random;
    private long sent;

    public ImpressionTraffic(int users, EventClock clock, long seed) {
        this.users = users;
        this.clock = clock;
        this.random = new SplittableRandom(seed ^ 0x1f2e3d4cL);
    }

    @Override
    public String name() {
        return "impressions";
    }

    @Override
    public ProducerRecord<String, String> next() {
        sent++;
        String user = ClickTraffic.userId(random.nextInt(users));
        Instant shownAt = clock.now();
        double roll = random.nextDouble();
        if (roll < 0.002) {
            String value = random.nextBoolean() ? "impression of " + user
                    : "{\"impression_id\":\"imp-bad-" + sent + "\",\"user_id\":\"" + user + "\",\"impression_time\":\""
                    + shownAt + "\"}";
            return new ProducerRecord<>(TOPIC, "broken", value);
        }
        if (roll < 0.007) {
            shownAt = shownAt.minus(Duration.ofMinutes(30));
        } else if (roll < 0.05) {
            shownAt = shownAt.minusMillis(1 + random.nextLong(60_000));
        }
        String value = String.format(Locale.ROOT, "{\"impression_id\":\"imp-%d-%d\",\"user_id\":\"%s\","
                        + "\"product_id\":\"%s\",\"impression_time\":\"%s\"}",
                sent, random.nextInt(1_000_000), user, ClickTraffic.productId(random.nextInt(ClickTraffic.PRODUCTS)),
                shownAt);
        return new ProducerRecord<>(TOPIC, user, value);
    }
}
