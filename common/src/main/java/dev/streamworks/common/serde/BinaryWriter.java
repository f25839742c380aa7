package dev.streamworks.common.serde;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * Appends fields to a growing byte array: unsigned varints for lengths, big-endian fixed-width
 * numbers, UTF-8 strings, and a presence byte before every nullable field. {@link BinaryReader}
 * reads the same layout back.
 */
public final class BinaryWriter {

    private byte[] buffer;
    private int size;

    public BinaryWriter(int initialCapacity) {
        this.buffer = new byte[Math.max(16, initialCapacity)];
    }

    private void ensure(int more) {
        if (size + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
        }
    }

    public BinaryWriter writeByte(int value) {
        ensure(1);
        buffer[size++] = (byte) value;
        return this;
    }

    public BinaryWriter writeVarint(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("a varint length cannot be negative: " + value);
        }
        ensure(5);
        while ((value & ~0x7F) != 0) {
            buffer[size++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buffer[size++] = (byte) value;
        return this;
    }

    public BinaryWriter writeLong(long value) {
        ensure(Long.BYTES);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buffer[size++] = (byte) (value >>> shift);
        }
        return this;
    }

    public BinaryWriter writeInt(int value) {
        ensure(Integer.BYTES);
        for (int shift = 24; shift >= 0; shift -= 8) {
            buffer[size++] = (byte) (value >>> shift);
        }
        return this;
    }

    /** Length-prefixed bytes. */
    public BinaryWriter writeBytes(byte[] bytes) {
        writeVarint(bytes.length);
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, size, bytes.length);
        size += bytes.length;
        return this;
    }

    /** A non-null string. */
    public BinaryWriter writeString(String value) {
        return writeBytes(value.getBytes(StandardCharsets.UTF_8));
    }

    public BinaryWriter writeNullableString(String value) {
        return value == null ? writeByte(0) : writeByte(1).writeString(value);
    }

    /** A double, bit for bit (NaN payloads, -0.0). */
    public BinaryWriter writeDouble(double value) {
        return writeLong(Double.doubleToRawLongBits(value));
    }

    public BinaryWriter writeNullableDouble(Double value) {
        return value == null ? writeByte(0) : writeByte(1).writeDouble(value);
    }

    public BinaryWriter writeNullableInt(Integer value) {
        return value == null ? writeByte(0) : writeByte(1).writeInt(value);
    }

    /** A non-null instant, to the nanosecond. */
    public BinaryWriter writeInstant(Instant value) {
        return writeLong(value.getEpochSecond()).writeInt(value.getNano());
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }
}
