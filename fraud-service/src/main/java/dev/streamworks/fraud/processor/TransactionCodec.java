package dev.streamworks.fraud.processor;

import dev.streamworks.common.event.Transaction;
import dev.streamworks.common.serde.BinaryCodec;
import dev.streamworks.common.serde.BinaryReader;
import dev.streamworks.common.serde.BinaryWriter;

import java.time.Instant;

/** A validated transaction in binary, for the repartition topic (read back without a JSON parse). */
public final class TransactionCodec implements BinaryCodec<Transaction> {

    @Override
    public void write(Transaction transaction, BinaryWriter out) {
        out.writeString(transaction.transactionId())
                .writeString(transaction.userId())
                .writeDouble(transaction.amount())
                .writeString(transaction.country())
                .writeInstant(transaction.transactionTime())
                .writeNullableString(transaction.currency())
                .writeNullableString(transaction.merchant());
    }

    @Override
    public Transaction read(BinaryReader in) {
        String transactionId = in.readString();
        String userId = in.readString();
        double amount = in.readDouble();
        String country = in.readString();
        Instant transactionTime = in.readInstant();
        return new Transaction(transactionId, userId, amount, country, transactionTime, in.readNullableString(),
                in.readNullableString());
    }
}
