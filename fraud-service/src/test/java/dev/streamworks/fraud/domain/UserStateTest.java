package dev.streamworks.fraud.domain;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class UserStateTest {

    private static final long MINUTE = 60_000;
    private static final FraudRules RULES = new FraudRules(Duration.ofMinutes(10), 5, new BigDecimal("10000"), 2);
    private static final long KEEP_ALL = Long.MIN_VALUE;

    private UserState state = UserState.empty();
    private int sequence;

    private FraudAlert judge(long minute, double amount, String country) {
        return judgeAt(minute * MINUTE, amount, country);
    }

    private FraudAlert judgeAt(long timeMs, double amount, String country) {
        UserState.Judgement judgement = state.judge("u", new UserTransaction("t" + (++sequence), timeMs, amount,
                country), RULES, KEEP_ALL);
        state = judgement.state();
        return judgement.alert();
    }

    private void burst(long fromMinute, int n) {
        for (int i = 0; i < n; i++) {
            judge(fromMinute + i, 1.0, "US");
        }
    }

    @Test
    void shouldSuspectOnTheFirstTriggerAndRememberTheEpisode() {
        burst(0, 5);
        assertThat(state.status()).isEqualTo(Status.CLEAR);
        assertThat(state.lastAlert()).isNull();

        FraudAlert alert = judge(5, 1.0, "US");

        assertThat(alert.alertType()).isEqualTo(AlertType.FRAUD_SUSPECTED);
        assertThat(alert.alertId()).isEqualTo("u@t6");
        assertThat(alert.transactionTime()).isEqualTo(Instant.ofEpochMilli(5 * MINUTE));
        assertThat(state.status()).isEqualTo(Status.SUSPECTED);
        assertThat(state.reported()).containsExactly(Rule.TOO_MANY_TRANSACTIONS);
        assertThat(state.lastTriggerMs()).isEqualTo(5 * MINUTE);
        assertThat(state.lastAlert()).isEqualTo(alert);
    }

    @Test
    void shouldEscalateOnANewRuleButNotOnAReportedOne() {
        burst(0, 6);

        assertThat(judge(6, 1.0, "US")).as("a reported rule again").isNull();
        assertThat(state.lastTriggerMs()).as("still a trigger").isEqualTo(6 * MINUTE);
        FraudAlert escalated = judge(7, 20_000.0, "US");
        assertThat(escalated.alertType()).isEqualTo(AlertType.FRAUD_ESCALATED);
        assertThat(escalated.reasons()).containsExactly(Rule.TOO_MANY_TRANSACTIONS, Rule.AMOUNT_SPIKE);
        assertThat(judge(8, 1.0, "US")).as("both reported").isNull();
        assertThat(state.reported()).containsExactlyInAnyOrder(Rule.TOO_MANY_TRANSACTIONS, Rule.AMOUNT_SPIKE);
    }

    @Test
    void shouldEndTheEpisodeOnlyWhenTheLastTriggerIsMoreThanLookbackOld() {
        burst(0, 6);

        assertThat(judgeAt(15 * MINUTE, 1.0, "US")).isNull();
        assertThat(state.status()).as("exactly lookback: the episode goes on").isEqualTo(Status.SUSPECTED);
        assertThat(judgeAt(15 * MINUTE + 1, 1.0, "US")).isNull();
        assertThat(state.status()).isEqualTo(Status.CLEAR);
        assertThat(state.reported()).isEmpty();
        assertThat(state.lastAlert()).as("the last alert stays").isNotNull();
    }

    @Test
    void shouldJudgeAfterAQuietPeriodAsClear() {
        burst(0, 6);

        FraudAlert alert = judge(20, 20_000.0, "US");

        assertThat(alert.alertType()).isEqualTo(AlertType.FRAUD_SUSPECTED);
        assertThat(alert.reasons()).containsExactly(Rule.AMOUNT_SPIKE);
        assertThat(state.reported()).containsExactly(Rule.AMOUNT_SPIKE);
    }

    @Test
    void shouldInsertAnOutOfOrderTransactionAtItsPlaceAndJudgeItAtItsTime() {
        judge(0, 1.0, "US");
        judge(1, 1.0, "FR");
        judge(14, 1.0, "JP");

        FraudAlert alert = judge(5, 1.0, "DE");

        assertThat(alert.reasons()).containsExactly(Rule.MULTIPLE_COUNTRIES);
        assertThat(alert.countries()).containsExactly("DE", "FR", "US");
        assertThat(state.transactions()).extracting(UserTransaction::timeMs)
                .containsExactly(0L, MINUTE, 5 * MINUTE, 14 * MINUTE);
        assertThat(state.lastTransactionMs()).isEqualTo(14 * MINUTE);
        assertThat(state.lastTriggerMs()).isEqualTo(5 * MINUTE);
    }

    @Test
    void shouldKeepTransactionsOfEqualTimeInArrivalOrder() {
        judge(3, 1.0, "US");
        judge(3, 2.0, "US");
        judge(1, 3.0, "US");

        assertThat(state.transactions()).extracting(UserTransaction::transactionId).containsExactly("t3", "t1", "t2");
    }

    @Test
    void shouldDropTransactionsNoWindowCanNeedAnyMore() {
        judge(0, 1.0, "US");
        judge(1, 1.0, "US");
        judge(2, 1.0, "US");

        UserState.Judgement judgement = state.judge("u", new UserTransaction("t9", 30 * MINUTE, 1.0, "US"), RULES,
                MINUTE);

        assertThat(judgement.state().transactions()).extracting(UserTransaction::transactionId)
                .containsExactly("t3", "t9");
    }

    @Test
    void shouldIgnoreATransactionItAlreadyHolds() {
        judge(0, 1.0, "US");

        UserState.Judgement again = state.judge("u", new UserTransaction("t1", 0, 1.0, "US"), RULES, KEEP_ALL);

        assertThat(again.duplicate()).isTrue();
        assertThat(again.state()).isSameAs(state);
        assertThat(again.alert()).isNull();
    }

    @Test
    void shouldExpireAfterTheTtlOfEventTime() {
        judge(0, 1.0, "US");
        long ttl = Duration.ofHours(24).toMillis();

        assertThat(state.expired(ttl - 1, ttl)).isFalse();
        assertThat(state.expired(ttl, ttl)).isTrue();
    }

    @Test
    void shouldShowTheWindowEndingAtAGivenTime() {
        judge(0, 1.0, "US");
        judge(5, 1.0, "US");
        judge(10, 1.0, "US");

        assertThat(state.window(10 * MINUTE, RULES)).extracting(UserTransaction::transactionId)
                .containsExactly("t2", "t3");
    }
}
