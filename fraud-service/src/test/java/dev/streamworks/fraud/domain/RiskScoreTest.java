package dev.streamworks.fraud.domain;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RiskScoreTest {

    private static final FraudRules RULES = new FraudRules(Duration.ofMinutes(10), 5, new BigDecimal("10000"), 2);

    private static double score(int transactions, String amount, int countries) {
        List<String> codes = List.of("AA", "BB", "CC", "DD", "EE", "FF").subList(0, countries);
        WindowFigures figures = new WindowFigures(transactions, new BigDecimal(amount), codes);
        return RiskScore.of(RULES, figures, RULES.check(figures));
    }

    @Test
    void shouldBeZeroWhenNoRuleHolds() {
        assertThat(score(5, "10000", 2)).isZero();
    }

    @Test
    void shouldBeJustAboveOneHalfForOneRuleBarelyHolding() {
        assertThat(score(6, "1", 1)).isEqualTo(0.5833);
        assertThat(score(1, "10000.01", 1)).isEqualTo(0.5);
        assertThat(score(1, "1", 3)).isEqualTo(0.6667);
    }

    @Test
    void shouldGrowWithHowFarARuleIsExceeded() {
        assertThat(score(10, "1", 1)).isEqualTo(0.75);
        assertThat(score(100, "1", 1)).isEqualTo(0.975);
        assertThat(score(1, "40000", 1)).isGreaterThan(score(1, "20000", 1));
    }

    @Test
    void shouldCombineRulesSoMoreRulesMeanMoreRisk() {
        double one = score(10, "1", 1);
        double two = score(10, "20000", 1);
        double three = score(10, "20000", 4);

        assertThat(two).isEqualTo(1 - 0.25 * 0.25);
        assertThat(three).isEqualTo(Math.round((1 - 0.25 * 0.25 * 0.25) * 10_000) / 10_000.0);
        assertThat(one).isLessThan(two);
        assertThat(two).isLessThan(three);
        assertThat(three).isLessThanOrEqualTo(1.0);
    }

    @Test
    void shouldStayWithinZeroAndOneForAZeroLimit() {
        FraudRules strict = new FraudRules(Duration.ofMinutes(10), 0, BigDecimal.ZERO, 0);
        WindowFigures figures = new WindowFigures(1, new BigDecimal("0.01"), List.of("US"));
        Set<Rule> holding = strict.check(figures);

        assertThat(holding).isEqualTo(EnumSet.allOf(Rule.class));
        assertThat(RiskScore.of(strict, figures, holding)).isEqualTo(1.0);
    }
}
