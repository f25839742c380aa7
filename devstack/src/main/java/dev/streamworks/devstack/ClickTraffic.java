package dev.streamworks.devstack;

import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * E-commerce clicks as the course's shop simulator sends them ({@code ecommerce_schema}): users
 * browsing a catalogue, event types drawn with p = 0.5 view, 0.25 add_to_cart, 0.15 purchase,
 * 0.1 remove. Some clicks are sent twice (a producer retry: same {@code event_id}, which the
 * service drops), some arrive out of order (up to two minutes old, within the graces), a few far
 * too late (half an hour old: their windows have closed), a few are broken (not JSON, a missing
 * user, a negative price, an unknown event type), and now and then one of a few bots bursts with
 * sixty clicks in fifteen seconds of event time, above the anomaly threshold of fifty a minute.
 */
public final class ClickTraffic implements Traffic {

    public static final String TOPIC = "user-clicks";

    static final int PRODUCTS = 200;
    static final int BOTS = 3;
    static final int BURST = 60;

    private static final String[] CATEGORIES = {"books", "electronics", "garden", "toys", "fashion", "sports"};

    private final int users;
    private final EventClock clock;
    private final SplittableRandom random;
    private final Deque<ProducerRecord<String, String>> burst = new ArrayDeque<>();
    private ProducerRecord<String, String> previous;
    private long sent;

    public ClickTraffic(int users, EventClock clock, long seed) {
        this.users = users;
        this.clock = clock;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public String name() {
        return "clicks";
    }

    static String userId(int index) {
        return String.format(Locale.ROOT, "user-%05d", index);
    }

    static String productId(int index) {
        return String.format(Locale.ROOT, "prod-%03d", index);
    }

    @Override
    public ProducerRecord<String, String> next() {
        sent++;
        if (!burst.isEmpty()) {
            return burst.poll();
        }
        double roll = random.nextDouble();
        if (roll < 0.002) {
            return broken();
        }
        if (roll < 0.022 && previous != null) {
            // a producer retry: the same event again
            return previous;
        }
        if (roll < 0.0225) {
            startBurst();
            return burst.poll();
        }
        Instant eventTime = clock.now();
        if (roll < 0.03) {
            eventTime = eventTime.minus(Duration.ofMinutes(30));
        } else if (roll < 0.08) {
            eventTime = eventTime.minusMillis(1 + random.nextLong(120_000));
        }
        previous = click(userId(random.nextInt(users)), eventTime);
        return previous;
    }

    private void startBurst() {
        String bot = String.format(Locale.ROOT, "bot-%02d", random.nextInt(BOTS));
        Instant start = clock.now();
        for (int i = 0; i < BURST; i++) {
            burst.add(click(bot, start.plusMillis(i * 250L)));
        }
    }

    private ProducerRecord<String, String> click(String user, Instant eventTime) {
        int product = random.nextInt(PRODUCTS);
        double type = random.nextDouble();
        String eventType = type < 0.5 ? "view" : type < 0.75 ? "add_to_cart" : type < 0.9 ? "purchase" : "remove";
        String value = String.format(Locale.ROOT, "{\"event_id\":\"evt-%d-%d\",\"timestamp\":\"%s\",\"user_id\":\"%s\","
                        + "\"event_type\":\"%s\",\"product_id\":\"%s\",\"product_name\":\"Product %d\",\"category\":\"%s\","
                        + "\"price\":%.2f,\"quantity\":%d}",
                sent, random.nextInt(1_000_000), eventTime, user, eventType, productId(product), product,
                CATEGORIES[product % CATEGORIES.length], 5 + (product % 50) * 3.5, 1 + random.nextInt(3));
        return new ProducerRecord<>(TOPIC, user, value);
    }

    private ProducerRecord<String, String> broken() {
        String at = clock.now().toString();
        String value = switch (random.nextInt(4)) {
            case 0 -> "click user=" + userId(random.nextInt(users));
            case 1 -> "{\"event_id\":\"bad-" + sent + "\",\"timestamp\":\"" + at + "\",\"event_type\":\"view\","
                    + "\"product_id\":\"prod-001\"}";
            case 2 -> "{\"event_id\":\"bad-" + sent + "\",\"timestamp\":\"" + at + "\",\"user_id\":\"user-00001\","
                    + "\"event_type\":\"purchase\",\"product_id\":\"prod-001\",\"price\":-4.5,\"quantity\":1}";
            default -> "{\"event_id\":\"bad-" + sent + "\",\"timestamp\":\"" + at + "\",\"user_id\":\"user-00001\","
                    + "\"event_type\":\"like\",\"product_id\":\"prod-001\"}";
        };
        return new ProducerRecord<>(TOPIC, "broken", value);
    }
}
