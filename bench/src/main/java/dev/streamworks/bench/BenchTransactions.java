package dev.streamworks.bench;

import dev.streamworks.fraud.domain.FraudRules;
import dev.streamworks.fraud.domain.UserState;
import dev.streamworks.fraud.domain.UserTransaction;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Card transactions for the bench (fraud-service): every user of the pool in turn (so each user's
 * transactions are in event-time order), valid JSON only, keyed by user, each with a unique
 * {@code transaction_id}. Most are ordinary: a small amount in the user's home country. One user
 * in twenty-five is risky: now and then a large amount (two in ten minutes trip
 * {@code AMOUNT_SPIKE}) or a payment abroad (three countries trip {@code MULTIPLE_COUNTRIES}); and
 * one transaction in a thousand, of any user, is a spike above the limit by itself. With the
 * default backlog (1,000,000 over an hour, 50,000 users) a user pays about every three minutes,
 * under {@code max-transactions}, so the state machine works on every transaction but alerts on few.
 * <p>
 * Correlation: the generator runs fraud-service's own state machine ({@link UserState#judge} with the
 * service's default rules) on what it sends; a transaction that raises an alert gets its
 * {@code transaction_id} as correlation key (the alert carries it), the others none (no output
 * answers them). Exact for in-order input, as the latency run sends it.
 */
public final class BenchTransactions implements BenchTraffic {

    /** fraud-service's defaults (fraud-service.yml): lookback 10m, max 5 transactions, 10000, 2 countries. */
    static final FraudRules RULES = new FraudRules(Duration.ofMinutes(10), 5, new BigDecimal("10000"), 2);

    private static final String[] COUNTRIES = {"US", "GB", "FR", "DE", "ES", "IT", "NL", "PL", "JP", "BR", "CA", "IN"};
    private static final String[] CURRENCIES = {"USD", "GBP", "EUR", "EUR", "EUR", "EUR", "EUR", "PLN", "JPY", "BRL",
            "CAD", "INR"};
    private static final String[] MERCHANTS = {"grocer", "fuel", "cafe", "books", "travel", "electronics", "pharmacy",
            "streaming"};

    private final int users;
    private final String run;
    private final SplittableRandom random;
    private final String[] userIds;
    private final UserState[] states;
    private long sent;
    private long alerts;

    public BenchTransactions(int users, String run, long seed) {
        if (users < 1) {
            throw new IllegalArgumentException("users must be positive");
        }
        this.users = users;
        this.run = run;
        this.random = new SplittableRandom(seed);
        this.userIds = new String[users];
        this.states = new UserState[users];
        for (int i = 0; i < users; i++) {
            userIds[i] = String.format(Locale.ROOT, "bench-user-%06d", i);
        }
    }

    @Override
    public Generated next(long eventTimeMs) {
        int index = (int) (sent % users);
        String user = userIds[index];
        String transactionId = "tx-" + run + "-" + sent++;
        int home = index % COUNTRIES.length;
        int country = home;
        double amount = 5 + random.nextDouble() * 245;
        double roll = random.nextDouble();
        if (roll < 0.001) {
            amount = 10_500 + random.nextDouble() * 9_500;
        } else if (index % 25 == 7) {
            if (roll < 0.3) {
                amount = 5_200 + random.nextDouble() * 3_800;
            } else if (roll < 0.5) {
                country = random.nextInt(COUNTRIES.length);
            }
        }
        amount = Math.round(amount * 100) / 100.0;
        String value = "{\"transaction_id\":\"" + transactionId + "\",\"user_id\":\"" + user
                + "\",\"amount\":" + amount + ",\"country\":\"" + COUNTRIES[country]
                + "\",\"currency\":\"" + CURRENCIES[country]
                + "\",\"merchant\":\"" + MERCHANTS[random.nextInt(MERCHANTS.length)]
                + "\",\"transaction_time\":\"" + Instant.ofEpochMilli(eventTimeMs) + "\"}";
        return new Generated(user, value, judge(index, transactionId, eventTimeMs, amount, COUNTRIES[country]));
    }

    /** Runs the state machine on the transaction: its id when it raises an alert, else null. */
    private String judge(int index, String transactionId, long timeMs, double amount, String country) {
        UserState state = states[index] == null ? UserState.empty() : states[index];
        UserState.Judgement judgement = state.judge(userIds[index], new UserTransaction(transactionId, timeMs, amount,
                country), RULES, timeMs - RULES.lookbackMs());
        states[index] = judgement.state();
        if (judgement.alert() == null) {
            return null;
        }
        alerts++;
        return transactionId;
    }

    /** Transactions sent so far that raised an alert (in order, by the service's rules). */
    long alerts() {
        return alerts;
    }
}
