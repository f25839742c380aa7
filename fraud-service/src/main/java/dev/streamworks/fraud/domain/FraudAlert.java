package dev.streamworks.fraud.domain;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A record of {@code fraud-alerts}. Its id, user id {@code @} transaction id, is the same every
 * time the transaction is judged again (a replay after a failure), so consumers can deduplicate.
 *
 * @param reasons            every rule that holds at the transaction, in {@link Rule} order
 * @param windowTransactions transactions in {@code (transaction_time - lookback, transaction_time]}
 * @param windowAmount       their total amount
 * @param countries          their distinct countries, sorted
 */
public record FraudAlert(String alertId, AlertType alertType, String userId, String transactionId,
                         Instant transactionTime, List<Rule> reasons, double riskScore, int windowTransactions,
                         double windowAmount, List<String> countries) {

    public FraudAlert {
        reasons = List.copyOf(reasons);
        countries = List.copyOf(countries);
    }

    public static String alertId(String userId, String transactionId) {
        return userId + "@" + transactionId;
    }

    static FraudAlert of(AlertType type, String userId, UserTransaction transaction, Set<Rule> reasons,
                         double riskScore, WindowFigures figures) {
        return new FraudAlert(alertId(userId, transaction.transactionId()), type, userId,
                transaction.transactionId(), Instant.ofEpochMilli(transaction.timeMs()), List.copyOf(reasons),
                riskScore, figures.transactions(), figures.amount().doubleValue(), figures.countries());
    }
}
