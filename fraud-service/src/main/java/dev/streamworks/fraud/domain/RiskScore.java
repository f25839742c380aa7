package dev.streamworks.fraud.domain;

import java.util.Set;

/**
 * The risk score of an alert, from 0 to 1. Each rule that holds has a ratio
 * {@code x = observed / limit > 1} (transactions, total amount or countries over the limit);
 * the score is
 * <pre>
 *   risk = 1 - product over the rules that hold of 1 / (2x)
 * </pre>
 * so it is 0 when no rule holds, just above 0.5 when one rule barely holds, at least 0.75 when
 * two hold and 0.875 when all three do, and it grows toward 1 the further a rule is exceeded
 * (twice the limit alone gives 0.75). Rounded to four decimals.
 */
public final class RiskScore {

    private RiskScore() {
    }

    public static double of(FraudRules rules, WindowFigures figures, Set<Rule> holding) {
        double unexplained = 1.0;
        for (Rule rule : holding) {
            double ratio = rules.ratio(rule, figures);
            // a rule that holds has ratio > 1; a rule passed in that does not hold adds nothing
            unexplained *= ratio > 1 ? 1 / (2 * ratio) : 1.0;
        }
        double score = 1 - unexplained;
        return Math.min(1.0, Math.max(0.0, Math.round(score * 10_000) / 10_000.0));
    }
}
