package dev.streamworks.fraud.domain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One user's fraud state: the transactions still needed by some window, in event-time order,
 * and where the user is in the state machine (docs/topics.md, fraud-service).
 *
 * @param status            {@link Status#CLEAR} or {@link Status#SUSPECTED}
 * @param reported          the rules already reported in the open episode (empty when clear)
 * @param lastTriggerMs     event time of the latest transaction that triggered a rule, or {@link #NEVER}
 * @param lastTransactionMs the latest event time of any of the user's transactions, or {@link #NEVER}
 * @param transactions      the retained transactions, ascending by event time, ties in arrival order
 * @param lastAlert         the latest alert raised for the user, or {@code null}
 */
public record UserState(Status status, Set<Rule> reported, long lastTriggerMs, long lastTransactionMs,
                        List<UserTransaction> transactions, FraudAlert lastAlert) {

    public static final long NEVER = Long.MIN_VALUE;

    public UserState {
        Objects.requireNonNull(status, "status");
        reported = reported.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(reported));
        transactions = List.copyOf(transactions);
    }

    public static UserState empty() {
        return new UserState(Status.CLEAR, Set.of(), NEVER, NEVER, List.of(), null);
    }

    /**
     * Judges one transaction, in arrival order:
     * <ol>
     *   <li>if the episode is open and its last triggering transaction is more than
     *       {@code lookback} older than this one, it ends: status {@code CLEAR}, nothing reported;</li>
     *   <li>the transaction is inserted at its event-time place (transactions at or before
     *       {@code retainAfterMs} are dropped first: no window that can still be judged needs them);</li>
     *   <li>the rules are checked over {@code (t - lookback, t]}, {@code t} its own event time, so an
     *       out-of-order transaction is judged at its own time;</li>
     *   <li>{@code CLEAR} with rules holding: {@code FRAUD_SUSPECTED}, status {@code SUSPECTED};
     *       {@code SUSPECTED} with a rule not yet reported in the episode: {@code FRAUD_ESCALATED}.</li>
     * </ol>
     * A transaction whose id the state already holds is a duplicate (a producer's retry): it is
     * not counted twice and changes nothing.
     */
    public Judgement judge(String userId, UserTransaction transaction, FraudRules rules, long retainAfterMs) {
        if (holds(transaction.transactionId())) {
            return new Judgement(this, null, true);
        }
        long t = transaction.timeMs();
        Status nextStatus = status;
        Set<Rule> nextReported = EnumSet.noneOf(Rule.class);
        nextReported.addAll(reported);
        // "more than lookback older": an episode whose trigger is exactly lookback old goes on
        if (status == Status.SUSPECTED && t - lastTriggerMs > rules.lookbackMs()) {
            nextStatus = Status.CLEAR;
            nextReported.clear();
        }
        List<UserTransaction> kept = insert(retainedAfter(retainAfterMs), transaction);
        WindowFigures figures = rules.figures(kept, t);
        Set<Rule> holding = rules.check(figures);

        FraudAlert alert = null;
        long nextTriggerMs = lastTriggerMs;
        if (!holding.isEmpty()) {
            if (nextStatus == Status.CLEAR) {
                alert = FraudAlert.of(AlertType.FRAUD_SUSPECTED, userId, transaction, holding,
                        RiskScore.of(rules, figures, holding), figures);
                nextStatus = Status.SUSPECTED;
            } else if (!nextReported.containsAll(holding)) {
                alert = FraudAlert.of(AlertType.FRAUD_ESCALATED, userId, transaction, holding,
                        RiskScore.of(rules, figures, holding), figures);
            }
            nextReported.addAll(holding);
            nextTriggerMs = Math.max(lastTriggerMs, t);
        }
        UserState next = new UserState(nextStatus, nextReported, nextTriggerMs, Math.max(lastTransactionMs, t),
                kept, alert != null ? alert : lastAlert);
        return new Judgement(next, alert, false);
    }

    /** The transactions of the window {@code (atMs - lookback, atMs]}. */
    public List<UserTransaction> window(long atMs, FraudRules rules) {
        long after = atMs - rules.lookbackMs();
        return transactions.stream().filter(tx -> tx.timeMs() > after && tx.timeMs() <= atMs).toList();
    }

    /** No transaction for {@code ttlMs} or longer before {@code nowMs} (event time). */
    public boolean expired(long nowMs, long ttlMs) {
        return lastTransactionMs == NEVER || nowMs - lastTransactionMs >= ttlMs;
    }

    private boolean holds(String transactionId) {
        for (UserTransaction kept : transactions) {
            if (kept.transactionId().equals(transactionId)) {
                return true;
            }
        }
        return false;
    }

    private List<UserTransaction> retainedAfter(long retainAfterMs) {
        int first = 0;
        while (first < transactions.size() && transactions.get(first).timeMs() <= retainAfterMs) {
            first++;
        }
        return transactions.subList(first, transactions.size());
    }

    private static List<UserTransaction> insert(List<UserTransaction> sorted, UserTransaction transaction) {
        List<UserTransaction> result = new ArrayList<>(sorted.size() + 1);
        int at = sorted.size();
        // from the end: an in-order transaction (the usual case) is placed after one comparison
        while (at > 0 && sorted.get(at - 1).timeMs() > transaction.timeMs()) {
            at--;
        }
        result.addAll(sorted.subList(0, at));
        result.add(transaction);
        result.addAll(sorted.subList(at, sorted.size()));
        return result;
    }

    /**
     * The outcome of one transaction.
     *
     * @param state     the user's state after it
     * @param alert     the alert it raised, or {@code null}
     * @param duplicate the transaction was already counted, the state is unchanged
     */
    public record Judgement(UserState state, FraudAlert alert, boolean duplicate) {
    }
}
