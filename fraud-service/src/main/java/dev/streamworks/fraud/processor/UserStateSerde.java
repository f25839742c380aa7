package dev.streamworks.fraud.processor;

import dev.streamworks.common.serde.JsonSerde;
import dev.streamworks.fraud.domain.FraudAlert;
import dev.streamworks.fraud.domain.Rule;
import dev.streamworks.fraud.domain.Status;
import dev.streamworks.fraud.domain.UserState;
import dev.streamworks.fraud.domain.UserTransaction;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Binary form of {@link UserState} for the RocksDB store and its changelog: one read and one
 * write per transaction, so no JSON on that path except the rare last alert. Layout (big endian):
 * <pre>
 * version:byte status:byte reported:byte(bit per Rule ordinal) lastTriggerMs:long lastTransactionMs:long
 * count:int { id:string timeMs:long amount:double country:string }*count
 * alertLength:int (-1: none) alert:JSON bytes
 * string = length:int UTF-8 bytes
 * </pre>
 */
public final class UserStateSerde implements Serde<UserState> {

    private static final byte VERSION = 1;
    private static final int HEADER = 1 + 1 + 1 + Long.BYTES + Long.BYTES + Integer.BYTES;
    private static final Status[] STATUSES = Status.values();
    private static final Rule[] RULES = Rule.values();

    private final JsonSerde<FraudAlert> alerts = JsonSerde.of(FraudAlert.class);

    @Override
    public Serializer<UserState> serializer() {
        return (topic, state) -> state == null ? null : write(state);
    }

    @Override
    public Deserializer<UserState> deserializer() {
        return (topic, data) -> data == null ? null : read(topic, data);
    }

    private byte[] write(UserState state) {
        List<byte[]> ids = new ArrayList<>(state.transactions().size());
        List<byte[]> countries = new ArrayList<>(state.transactions().size());
        int size = HEADER + Integer.BYTES;
        for (UserTransaction transaction : state.transactions()) {
            byte[] id = transaction.transactionId().getBytes(StandardCharsets.UTF_8);
            byte[] country = transaction.country().getBytes(StandardCharsets.UTF_8);
            ids.add(id);
            countries.add(country);
            size += Integer.BYTES + id.length + Long.BYTES + Double.BYTES + Integer.BYTES + country.length;
        }
        byte[] alert = state.lastAlert() == null ? null : alerts.serializer().serialize(null, state.lastAlert());
        size += alert == null ? 0 : alert.length;

        ByteBuffer buffer = ByteBuffer.allocate(size)
                .put(VERSION)
                .put((byte) state.status().ordinal())
                .put(mask(state.reported()))
                .putLong(state.lastTriggerMs())
                .putLong(state.lastTransactionMs())
                .putInt(state.transactions().size());
        for (int i = 0; i < ids.size(); i++) {
            UserTransaction transaction = state.transactions().get(i);
            buffer.putInt(ids.get(i).length).put(ids.get(i))
                    .putLong(transaction.timeMs())
                    .putDouble(transaction.amount())
                    .putInt(countries.get(i).length).put(countries.get(i));
        }
        if (alert == null) {
            buffer.putInt(-1);
        } else {
            buffer.putInt(alert.length).put(alert);
        }
        return buffer.array();
    }

    private UserState read(String topic, byte[] data) {
        if (data.length < HEADER || data[0] != VERSION) {
            throw new SerializationException("not a fraud user state (version " + VERSION + "): " + data.length
                    + " bytes, first byte " + (data.length == 0 ? "none" : data[0]));
        }
        try {
            ByteBuffer buffer = ByteBuffer.wrap(data, 1, data.length - 1);
            Status status = STATUSES[buffer.get()];
            Set<Rule> reported = rules(buffer.get());
            long lastTriggerMs = buffer.getLong();
            long lastTransactionMs = buffer.getLong();
            int count = buffer.getInt();
            List<UserTransaction> transactions = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String id = string(buffer);
                long timeMs = buffer.getLong();
                double amount = buffer.getDouble();
                transactions.add(new UserTransaction(id, timeMs, amount, string(buffer)));
            }
            int alertLength = buffer.getInt();
            FraudAlert lastAlert = null;
            if (alertLength >= 0) {
                byte[] alert = new byte[alertLength];
                buffer.get(alert);
                lastAlert = alerts.deserializer().deserialize(topic, alert);
            }
            if (buffer.hasRemaining()) {
                throw new SerializationException("fraud user state has " + buffer.remaining() + " trailing bytes");
            }
            return new UserState(status, reported, lastTriggerMs, lastTransactionMs, transactions, lastAlert);
        } catch (BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new SerializationException("corrupt fraud user state of " + data.length + " bytes", e);
        }
    }

    private static byte mask(Set<Rule> rules) {
        int mask = 0;
        for (Rule rule : rules) {
            mask |= 1 << rule.ordinal();
        }
        return (byte) mask;
    }

    private static Set<Rule> rules(byte mask) {
        Set<Rule> rules = EnumSet.noneOf(Rule.class);
        for (Rule rule : RULES) {
            if ((mask & (1 << rule.ordinal())) != 0) {
                rules.add(rule);
            }
        }
        return rules;
    }

    private static String string(ByteBuffer buffer) {
        int length = buffer.getInt();
        if (length < 0 || length > buffer.remaining()) {
            throw new SerializationException("corrupt string length " + length);
        }
        String value = new String(buffer.array(), buffer.arrayOffset() + buffer.position(), length,
                StandardCharsets.UTF_8);
        buffer.position(buffer.position() + length);
        return value;
    }
}
