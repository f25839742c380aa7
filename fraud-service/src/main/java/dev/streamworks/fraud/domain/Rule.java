package dev.streamworks.fraud.domain;

/** The fraud rules, in the order {@code reasons} lists them (docs/topics.md, fraud-service). */
public enum Rule {
    /** More transactions in the lookback than {@code max-transactions}. */
    TOO_MANY_TRANSACTIONS,
    /** A total amount in the lookback above {@code max-amount}. */
    AMOUNT_SPIKE,
    /** More distinct countries in the lookback than {@code max-countries}. */
    MULTIPLE_COUNTRIES
}
