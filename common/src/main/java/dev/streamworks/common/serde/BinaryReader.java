package dev.streamworks.common.serde;

import org.apache.kafka.common.errors.SerializationException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/** Reads what {@link BinaryWriter} wrote, in the same order; a truncated input is a {@link SerializationException}. */
public final class BinaryReader {

    private final byte[] data;
    private int position;

    public BinaryReader(byte[] data, int offset) {
        this.data = data;
        this.position = offset;
    }

    private void need(int bytes) {
        if (bytes < 0 || position + bytes > data.length) {
            throw new SerializationException("binary value truncated: " + bytes + " more bytes needed at offset "
                    + position + " of " + data.length);
        }
    }

    public int readByte() {
        need(1);
        return data[position++];
    }

    public int readVarint() {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = readByte();
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new SerializationException("malformed varint at offset " + position);
    }

    public long readLong() {
        need(Long.BYTES);
        long value = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            value = (value << 8) | (data[position++] & 0xFF);
        }
        return value;
    }

    public int readInt() {
        need(Integer.BYTES);
        int value = 0;
        for (int i = 0; i < Integer.BYTES; i++) {
            value = (value << 8) | (data[position++] & 0xFF);
        }
        return value;
    }

    public byte[] readBytes() {
        int length = readVarint();
        need(length);
        byte[] bytes = Arrays.copyOfRange(data, position, position + length);
        position += length;
        return bytes;
    }

    public String readString() {
        int length = readVarint();
        need(length);
        String value = new String(data, position, length, StandardCharsets.UTF_8);
        position += length;
        return value;
    }

    public String readNullableString() {
        return readByte() == 0 ? null : readString();
    }

    public double readDouble() {
        return Double.longBitsToDouble(readLong());
    }

    public Double readNullableDouble() {
        return readByte() == 0 ? null : readDouble();
    }

    public Integer readNullableInt() {
        return readByte() == 0 ? null : readInt();
    }

    public Instant readInstant() {
        long seconds = readLong();
        return Instant.ofEpochSecond(seconds, readInt());
    }

    public boolean hasRemaining() {
        return position < data.length;
    }
}
