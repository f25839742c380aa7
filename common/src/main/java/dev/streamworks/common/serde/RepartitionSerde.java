package dev.streamworks.common.serde;

import dev.streamworks.common.event.Event;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.util.function.Function;

/**
 * The serde of a repartition topic carrying parsed inputs: a marker byte {@code 0x00}, the
 * input's original bytes (what a late or dead-lettered record is routed with) and the parsed
 * value in binary ({@link BinaryCodec}). The task on the far side gets the value without parsing
 * and validating the JSON again, which a record validated at the source does not need.
 * <p>
 * A value that does not start with the marker is handed to {@code plain}: the form the topic had
 * before this one (JSON never starts with a zero byte), so repartition records written by an
 * older version of a service and still unread at an upgrade are processed as before.
 */
public final class RepartitionSerde<T> implements Serde<Parsed<T>> {

    private static final byte MARKER = 0;

    private final BinaryCodec<T> codec;
    private final Function<byte[], Parsed<T>> plain;

    public RepartitionSerde(BinaryCodec<T> codec, Function<byte[], Parsed<T>> plain) {
        this.codec = codec;
        this.plain = plain;
    }

    /** For a topic that carried an input's plain bytes before: those are parsed and validated by {@code input}. */
    public static <E extends Event> RepartitionSerde<E> of(EventSerde<E> input, BinaryCodec<E> codec) {
        return new RepartitionSerde<>(codec, data -> new Parsed<>(input.parse(data), data));
    }

    /** Writes {@code parsed} in this form. */
    public byte[] write(Parsed<T> parsed) {
        byte[] original = parsed.bytes();
        BinaryWriter out = new BinaryWriter(original.length * 2 + 16);
        out.writeByte(MARKER).writeBytes(original);
        codec.write(parsed.value(), out);
        return out.toByteArray();
    }

    /**
     * Reads a value written by {@link #write}, or one in the topic's earlier, plain form; {@code null}
     * (an event-time heartbeat, which carries only headers) stays {@code null}.
     */
    public Parsed<T> read(byte[] data) {
        if (data == null) {
            return null;
        }
        if (!isCarried(data)) {
            return plain.apply(data);
        }
        BinaryReader in = new BinaryReader(data, 1);
        byte[] original = in.readBytes();
        return new Parsed<>(codec.read(in), original);
    }

    /**
     * The input's original bytes inside a value of this form, or {@code value} itself when it is
     * not one. A dead-letter record built from a repartition record carries these, so the
     * dead-letter topic gets inputs as they arrived, never this internal form.
     */
    public static byte[] original(byte[] value) {
        if (!isCarried(value)) {
            return value;
        }
        try {
            return new BinaryReader(value, 1).readBytes();
        } catch (SerializationException e) {
            return value; // not one of ours after all: keep it as it was
        }
    }

    private static boolean isCarried(byte[] data) {
        return data != null && data.length > 0 && data[0] == MARKER;
    }

    @Override
    public Serializer<Parsed<T>> serializer() {
        return (topic, parsed) -> parsed == null ? null : write(parsed);
    }

    @Override
    public Deserializer<Parsed<T>> deserializer() {
        return (topic, data) -> read(data);
    }
}
