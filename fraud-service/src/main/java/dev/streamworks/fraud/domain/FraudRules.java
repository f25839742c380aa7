package dev.streamworks.fraud.domain;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The three rules over a user's transactions in {@code (t - lookback, t]}: a transaction exactly
 * {@code lookback} older than {@code t} is out, one at {@code t} itself is in.
 *
 * @param lookback        the length of the window that ends at the judged transaction
 * @param maxTransactions {@link Rule#TOO_MANY_TRANSACTIONS} when the window holds more
 * @param maxAmount       {@link Rule#AMOUNT_SPIKE} when the window's total is larger
 * @param maxCountries    {@link Rule#MULTIPLE_COUNTRIES} when the window holds more distinct countries
 */
public record FraudRules(Duration lookback, int maxTransactions, BigDecimal maxAmount, int maxCountries) {

    public FraudRules {
        Objects.requireNonNull(lookback, "lookback");
        Objects.requireNonNull(maxAmount, "maxAmount");
        if (lookback.isNegative() || lookback.isZero()) {
            throw new IllegalArgumentException("lookback must be positive, was " + lookback);
        }
        if (maxTransactions < 0 || maxCountries < 0 || maxAmount.signum() < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
    }

    public long lookbackMs() {
        return lookback.toMillis();
    }

    /**
     * The figures of the window {@code (atMs - lookback, atMs]} over {@code transactions}, which
     * are in event-time order. Amounts are added as decimals, so 5000 + 5000.01 is exactly
     * 10000.01 and never 10000.009999999.
     */
    public WindowFigures figures(List<UserTransaction> transactions, long atMs) {
        long after = atMs - lookbackMs();
        int count = 0;
        BigDecimal amount = BigDecimal.ZERO;
        Set<String> countries = new TreeSet<>();
        for (UserTransaction transaction : transactions) {
            if (transaction.timeMs() > atMs) {
                break;
            }
            if (transaction.timeMs() > after) {
                count++;
                amount = amount.add(BigDecimal.valueOf(transaction.amount()));
                countries.add(transaction.country());
            }
        }
        return new WindowFigures(count, amount, List.copyOf(countries));
    }

    /** The rules that hold for {@code figures}, in {@link Rule} order. */
    public Set<Rule> check(WindowFigures figures) {
        Set<Rule> holding = EnumSet.noneOf(Rule.class);
        if (figures.transactions() > maxTransactions) {
            holding.add(Rule.TOO_MANY_TRANSACTIONS);
        }
        if (figures.amount().compareTo(maxAmount) > 0) {
            holding.add(Rule.AMOUNT_SPIKE);
        }
        if (figures.countries().size() > maxCountries) {
            holding.add(Rule.MULTIPLE_COUNTRIES);
        }
        return holding;
    }

    /**
     * How far {@code figures} are from {@code rule}'s limit: observed / limit, so above 1 exactly
     * when the rule holds; infinite for a limit of 0 that is exceeded.
     */
    public double ratio(Rule rule, WindowFigures figures) {
        return switch (rule) {
            case TOO_MANY_TRANSACTIONS -> ratio(figures.transactions(), maxTransactions);
            case AMOUNT_SPIKE -> ratio(figures.amount().doubleValue(), maxAmount.doubleValue());
            case MULTIPLE_COUNTRIES -> ratio(figures.countries().size(), maxCountries);
        };
    }

    private static double ratio(double observed, double limit) {
        if (limit > 0) {
            return observed / limit;
        }
        return observed > 0 ? Double.POSITIVE_INFINITY : 0;
    }
}
