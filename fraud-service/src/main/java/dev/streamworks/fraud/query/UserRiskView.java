package dev.streamworks.fraud.query;

import dev.streamworks.fraud.domain.FraudAlert;
import dev.streamworks.fraud.domain.FraudRules;
import dev.streamworks.fraud.domain.Rule;
import dev.streamworks.fraud.domain.Status;
import dev.streamworks.fraud.domain.UserState;
import dev.streamworks.fraud.domain.UserTransaction;

import java.time.Instant;
import java.util.List;

/**
 * The answer of {@code GET /api/users/{user_id}/risk}: a user's state as the state machine holds it
 * after the user's latest transaction (an episode ends only on a transaction, so a user can show
 * {@code SUSPECTED} long after the trigger until the next transaction clears it).
 *
 * @param status               {@code CLEAR} or {@code SUSPECTED}
 * @param reportedRules        the rules already reported in the open episode
 * @param lastTriggeredAt      time of the latest transaction that triggered a rule, or {@code null}
 * @param lastTransactionAt    time of the user's latest transaction
 * @param recentTransactions   the transactions of the lookback that ends at the latest one, oldest first
 * @param lastAlert            the latest alert, or {@code null}
 */
record UserRiskView(String userId, Status status, List<Rule> reportedRules, Instant lastTriggeredAt,
                    Instant lastTransactionAt, List<TransactionView> recentTransactions, FraudAlert lastAlert) {

    static UserRiskView of(String userId, UserState state, FraudRules rules) {
        List<TransactionView> recent = state.window(state.lastTransactionMs(), rules).stream()
                .map(TransactionView::of).toList();
        return new UserRiskView(userId, state.status(), List.copyOf(state.reported()), instant(state.lastTriggerMs()),
                instant(state.lastTransactionMs()), recent, state.lastAlert());
    }

    private static Instant instant(long epochMs) {
        return epochMs == UserState.NEVER ? null : Instant.ofEpochMilli(epochMs);
    }

    record TransactionView(String transactionId, Instant transactionTime, double amount, String country) {

        static TransactionView of(UserTransaction transaction) {
            return new TransactionView(transaction.transactionId(), Instant.ofEpochMilli(transaction.timeMs()),
                    transaction.amount(), transaction.country());
        }
    }
}
