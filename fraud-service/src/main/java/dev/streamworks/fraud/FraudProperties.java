package dev.streamworks.fraud;

import dev.streamworks.fraud.domain.FraudRules;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Every tunable of the fraud pipeline (prefix {@code streamworks.fraud}; docs/topics.md, fraud-service).
 *
 * @param topics                 input and output topics
 * @param lookback               the rules look at the transactions in (t - lookback, t] of event time
 * @param grace                  how far behind the task's stream time a transaction may be and still be
 *                               judged (the course's watermark); later ones go to {@code fraud.late}
 * @param maxTransactions        more transactions than this in the lookback: {@code TOO_MANY_TRANSACTIONS}
 * @param maxAmount              a larger total amount in the lookback: {@code AMOUNT_SPIKE}
 * @param maxCountries           more distinct countries than this in the lookback: {@code MULTIPLE_COUNTRIES}
 * @param stateTtl               a user's state is deleted after this long (event time) without a transaction
 * @param ttlBatchSize           at most this many users are examined per TTL punctuation
 * @param ttlPunctuationInterval watermark advance (event time) between two TTL batches
 */
@Validated
@ConfigurationProperties("streamworks.fraud")
public record FraudProperties(@DefaultValue @Valid Topics topics,
                              @DefaultValue("10m") @NotNull Duration lookback,
                              @DefaultValue("15m") @NotNull Duration grace,
                              @DefaultValue("5") @PositiveOrZero int maxTransactions,
                              @DefaultValue("10000") @NotNull @PositiveOrZero BigDecimal maxAmount,
                              @DefaultValue("2") @PositiveOrZero int maxCountries,
                              @DefaultValue("24h") @NotNull Duration stateTtl,
                              @DefaultValue("1000") @Min(1) int ttlBatchSize,
                              @DefaultValue("1m") @NotNull Duration ttlPunctuationInterval) {

    public record Topics(@DefaultValue("transactions") @NotBlank String transactions,
                         @DefaultValue("fraud-alerts") @NotBlank String alerts) {
    }

    /** The contract's defaults. */
    public static FraudProperties defaults() {
        return new FraudProperties(new Topics("transactions", "fraud-alerts"), Duration.ofMinutes(10),
                Duration.ofMinutes(15), 5, new BigDecimal("10000"), 2, Duration.ofHours(24), 1000,
                Duration.ofMinutes(1));
    }

    /** The rules these properties configure. */
    public FraudRules rules() {
        return new FraudRules(lookback, maxTransactions, maxAmount, maxCountries);
    }

    @AssertTrue(message = "lookback must be positive")
    public boolean isLookbackPositive() {
        return lookback == null || lookback.toMillis() > 0;
    }

    @AssertTrue(message = "grace must not be negative")
    public boolean isGraceNotNegative() {
        return grace == null || !grace.isNegative();
    }

    @AssertTrue(message = "ttl-punctuation-interval must be at least 1ms")
    public boolean isTtlPunctuationIntervalPositive() {
        return ttlPunctuationInterval == null || ttlPunctuationInterval.toMillis() >= 1;
    }

    /**
     * Deleting a user before the transactions it holds can no longer be needed would make the
     * rules miss them: the state must outlive the lookback plus the grace period.
     */
    @AssertTrue(message = "state-ttl must be at least lookback + grace")
    public boolean isStateTtlCoveringLookbackAndGrace() {
        return stateTtl == null || lookback == null || grace == null
                || stateTtl.compareTo(lookback.plus(grace)) >= 0;
    }
}
