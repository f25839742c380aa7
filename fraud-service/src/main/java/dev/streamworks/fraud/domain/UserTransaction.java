package dev.streamworks.fraud.domain;

import java.util.Locale;
import java.util.Objects;

/**
 * What the rules need of one transaction, as a user's state keeps it.
 *
 * @param transactionId the transaction's id
 * @param timeMs        its event time ({@code transaction_time}), epoch milliseconds
 * @param amount        its amount, {@code >= 0}
 * @param country       its country code, upper case, so {@code fr} and {@code FR} are one country
 */
public record UserTransaction(String transactionId, long timeMs, double amount, String country) {

    public UserTransaction {
        Objects.requireNonNull(transactionId, "transactionId");
        country = Objects.requireNonNull(country, "country").toUpperCase(Locale.ROOT);
        if (!(amount >= 0) || !Double.isFinite(amount)) {
            throw new IllegalArgumentException("amount must be a finite number >= 0, was " + amount);
        }
    }
}
