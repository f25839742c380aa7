package dev.streamworks.devstack;

import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Card transactions as the course's payment simulator sends them. Most come from a large pool of
 * clean users, each paying small amounts in a home country now and then (too rarely to trip a
 * rule). Now and then a fraud scenario starts for one of a few known users and plays out over the
 * next records: a burst of seven small payments (too many transactions), two large payments
 * (amount spike), payments from three countries (multiple countries), or all of these in turn
 * (a suspicion, then escalations). Some transactions arrive out of order (up to five minutes old,
 * within the grace period), a few far too late (half an hour old), and a few are broken (not JSON,
 * a missing user, a negative amount), which the service sends to its dead-letter topic.
 */
public final class TransactionTraffic implements Traffic {

    public static final String TOPIC = "transactions";

    /** Clean users: enough that each pays only a few times in ten minutes of event time. */
    static final int CLEAN_USERS = 1_000_000;
    /** Known users per fraud scenario, {@code fraud-burst-000} ... */
    static final int SCENARIO_USERS = 10;

    private static final String[] COUNTRIES = {"US", "GB", "FR", "DE", "ES", "IT", "NL", "PL", "JP", "BR", "CA", "IN"};
    private static final String[] CURRENCIES = {"USD", "GBP", "EUR", "EUR", "EUR", "EUR", "EUR", "PLN", "JPY", "BRL",
            "CAD", "INR"};
    private static final String[] MERCHANTS = {"grocer", "fuel", "cafe", "books", "travel", "electronics", "pharmacy",
            "streaming"};

    enum Scenario {
        BURST, SPIKE, TRAVEL, COMBO;

        String user(int index) {
            return String.format(Locale.ROOT, "fraud-%s-%03d", name().toLowerCase(Locale.ROOT), index);
        }
    }

    /** A transaction of a scenario still to send: event time is taken when it is sent. */
    private record Pending(String user, double amount, String country) {
    }

    private final EventClock clock;
    private final SplittableRandom random;
    private final String run;
    private final Deque<Pending> scenario = new ArrayDeque<>();
    private long sent;

    public TransactionTraffic(EventClock clock, long seed) {
        this.clock = clock;
        this.random = new SplittableRandom(seed);
        this.run = Long.toString(Math.abs(seed % 1000), 36) + Long.toString(random.nextLong(1L << 40), 36);
    }

    @Override
    public String name() {
        return "fraud";
    }

    static String cleanUser(int index) {
        return String.format(Locale.ROOT, "user-%07d", index);
    }

    @Override
    public ProducerRecord<String, String> next() {
        sent++;
        Instant eventTime = clock.now();
        if (!scenario.isEmpty() && random.nextBoolean()) {
            Pending next = scenario.poll();
            return record(next.user(), eventTime, next.amount(), next.country());
        }
        if (scenario.isEmpty() && random.nextDouble() < 0.002) {
            startScenario();
        }
        int index = random.nextInt(CLEAN_USERS);
        String user = cleanUser(index);
        double roll = random.nextDouble();
        if (roll < 0.002) {
            return new ProducerRecord<>(TOPIC, user, broken(user, eventTime));
        }
        if (roll < 0.007) {
            eventTime = eventTime.minus(Duration.ofMinutes(30));
        } else if (roll < 0.057) {
            eventTime = eventTime.minusMillis(1 + random.nextLong(Duration.ofMinutes(5).toMillis()));
        }
        // a clean user pays at home, and once in a while abroad (two countries never trip a rule)
        String country = random.nextDouble() < 0.01 ? COUNTRIES[random.nextInt(COUNTRIES.length)]
                : COUNTRIES[index % COUNTRIES.length];
        return record(user, eventTime, 5 + random.nextDouble() * 195, country);
    }

    private void startScenario() {
        Scenario type = Scenario.values()[random.nextInt(Scenario.values().length)];
        String user = type.user(random.nextInt(SCENARIO_USERS));
        String home = COUNTRIES[random.nextInt(COUNTRIES.length)];
        switch (type) {
            case BURST -> burst(user, home);
            case SPIKE -> spike(user, home);
            case TRAVEL -> travel(user, home);
            case COMBO -> {
                burst(user, home);
                travel(user, home);
                spike(user, home);
            }
        }
    }

    private void burst(String user, String home) {
        for (int i = 0; i < 7; i++) {
            scenario.add(new Pending(user, 5 + random.nextDouble() * 45, home));
        }
    }

    private void spike(String user, String home) {
        scenario.add(new Pending(user, 6000 + random.nextDouble() * 3000, home));
        scenario.add(new Pending(user, 6000 + random.nextDouble() * 3000, home));
    }

    private void travel(String user, String home) {
        int first = random.nextInt(COUNTRIES.length);
        scenario.add(new Pending(user, 20 + random.nextDouble() * 80, home));
        for (int i = 1; i <= 2; i++) {
            String abroad = COUNTRIES[(first + i) % COUNTRIES.length];
            scenario.add(new Pending(user, 20 + random.nextDouble() * 80, abroad.equals(home) ? "AU" : abroad));
        }
    }

    private ProducerRecord<String, String> record(String user, Instant eventTime, double amount, String country) {
        int countryIndex = indexOf(country);
        String value = String.format(Locale.ROOT,
                "{\"transaction_id\":\"tx-%s-%d\",\"user_id\":\"%s\",\"amount\":%.2f,\"country\":\"%s\","
                        + "\"currency\":\"%s\",\"merchant\":\"%s\",\"transaction_time\":\"%s\"}",
                run, sent, user, amount, country, countryIndex < 0 ? "AUD" : CURRENCIES[countryIndex],
                MERCHANTS[random.nextInt(MERCHANTS.length)], eventTime);
        return new ProducerRecord<>(TOPIC, user, value);
    }

    private static int indexOf(String country) {
        for (int i = 0; i < COUNTRIES.length; i++) {
            if (COUNTRIES[i].equals(country)) {
                return i;
            }
        }
        return -1;
    }

    private String broken(String user, Instant eventTime) {
        return switch (random.nextInt(3)) {
            case 0 -> "amount=12.50 user=" + user;
            case 1 -> "{\"transaction_id\":\"tx-" + run + "-" + sent + "\",\"amount\":12.5,\"country\":\"US\","
                    + "\"transaction_time\":\"" + eventTime + "\"}";
            default -> "{\"transaction_id\":\"tx-" + run + "-" + sent + "\",\"user_id\":\"" + user
                    + "\",\"amount\":-12.5,\"country\":\"US\",\"transaction_time\":\"" + eventTime + "\"}";
        };
    }
}
