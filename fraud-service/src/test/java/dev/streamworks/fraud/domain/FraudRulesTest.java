package dev.streamworks.fraud.domain;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FraudRulesTest {

    private static final long MINUTE = 60_000;
    private static final FraudRules RULES = new FraudRules(Duration.ofMinutes(10), 5, new BigDecimal("10000"), 2);

    private static UserTransaction tx(String id, long minute, double amount, String country) {
        return new UserTransaction(id, minute * MINUTE, amount, country);
    }

    private static List<UserTransaction> minutes(int n) {
        List<UserTransaction> transactions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            transactions.add(tx("t" + i, i, 1.0, "US"));
        }
        return transactions;
    }

    @Test
    void shouldHoldTooManyTransactionsAboveTheMaximumOnly() {
        assertThat(RULES.check(RULES.figures(minutes(5), 4 * MINUTE))).isEmpty();
        assertThat(RULES.check(RULES.figures(minutes(6), 5 * MINUTE))).containsExactly(Rule.TOO_MANY_TRANSACTIONS);
    }

    @Test
    void shouldAddAmountsExactly() {
        List<UserTransaction> even = List.of(tx("a", 0, 0.1, "US"), tx("b", 1, 0.2, "US"));
        assertThat(RULES.figures(even, MINUTE).amount()).isEqualByComparingTo("0.3");

        FraudRules small = new FraudRules(Duration.ofMinutes(10), 5, new BigDecimal("0.3"), 2);
        assertThat(small.check(small.figures(even, MINUTE))).as("0.1 + 0.2 is not more than 0.3").isEmpty();
    }

    @Test
    void shouldHoldAmountSpikeAboveTheMaximumOnly() {
        List<UserTransaction> exactly = List.of(tx("a", 0, 5000.0, "US"), tx("b", 1, 5000.0, "US"));
        List<UserTransaction> above = List.of(tx("a", 0, 5000.0, "US"), tx("b", 1, 5000.01, "US"));

        assertThat(RULES.check(RULES.figures(exactly, MINUTE))).isEmpty();
        assertThat(RULES.check(RULES.figures(above, MINUTE))).containsExactly(Rule.AMOUNT_SPIKE);
    }

    @Test
    void shouldCountDistinctCountriesIgnoringCase() {
        List<UserTransaction> two = List.of(tx("a", 0, 1, "us"), tx("b", 1, 1, "FR"), tx("c", 2, 1, "US"));
        List<UserTransaction> three = List.of(tx("a", 0, 1, "US"), tx("b", 1, 1, "FR"), tx("c", 2, 1, "de"));

        assertThat(RULES.figures(two, 2 * MINUTE).countries()).containsExactly("FR", "US");
        assertThat(RULES.check(RULES.figures(two, 2 * MINUTE))).isEmpty();
        assertThat(RULES.check(RULES.figures(three, 2 * MINUTE))).containsExactly(Rule.MULTIPLE_COUNTRIES);
    }

    @Test
    void shouldWindowOverTheLookbackEndingAtTheGivenTime() {
        List<UserTransaction> transactions = List.of(tx("old", 0, 1, "US"), tx("in", 1, 2, "FR"),
                tx("at", 10, 4, "DE"), tx("after", 11, 8, "GB"));

        WindowFigures figures = RULES.figures(transactions, 10 * MINUTE);

        assertThat(figures.transactions()).as("exactly lookback old is out, t itself is in, later is out")
                .isEqualTo(2);
        assertThat(figures.amount()).isEqualByComparingTo("6");
        assertThat(figures.countries()).containsExactly("DE", "FR");
    }

    @Test
    void shouldListAllRulesThatHoldInRuleOrder() {
        List<UserTransaction> transactions = List.of(tx("a", 0, 9000, "US"), tx("b", 1, 9000, "FR"),
                tx("c", 2, 1, "DE"), tx("d", 3, 1, "US"), tx("e", 4, 1, "US"), tx("f", 5, 1, "US"));

        assertThat(RULES.check(RULES.figures(transactions, 5 * MINUTE)))
                .containsExactly(Rule.TOO_MANY_TRANSACTIONS, Rule.AMOUNT_SPIKE, Rule.MULTIPLE_COUNTRIES);
    }

    @Test
    void shouldRejectNonsenseLimits() {
        assertThatThrownBy(() -> new FraudRules(Duration.ZERO, 5, BigDecimal.TEN, 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FraudRules(Duration.ofMinutes(1), -1, BigDecimal.TEN, 2))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
