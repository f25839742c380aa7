package dev.streamworks.common.event;

import java.time.Instant;

/** A card transaction (topic {@code transactions}). */
public record Transaction(String transactionId, String userId, Double amount, String country,
                          Instant transactionTime, String currency, String merchant) implements Event {

    public Transaction {
        Require.text(transactionId, "transaction_id");
        Require.text(userId, "user_id");
        Require.finite(Require.nonNegative(Require.present(amount, "amount"), "amount"), "amount");
        Require.text(country, "country");
        Require.present(transactionTime, "transaction_time");
    }

    @Override
    public Instant eventTime() {
        return transactionTime;
    }
}
