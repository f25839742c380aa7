package dev.streamworks.common.time;

import dev.streamworks.common.serde.BinaryReader;
import dev.streamworks.common.serde.BinaryWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.util.ArrayList;
import java.util.List;

/**
 * The form of a record of a repartition topic written by a {@link Sender}: one Kafka record
 * carrying, in order, every record and heartbeat the sender sent to one partition since its last
 * batch, each with its key, value bytes, timestamp and headers (the {@link Stamp} and the other
 * internal headers travel there, not as headers of the batch). A batch record has the header
 * {@link #HEADER} (its value: the format's version); a record without it is one in the plain form
 * an older version wrote, one record per Kafka record, which the receiving side still reads.
 * <p>
 * Layout (version 1), with {@link BinaryWriter}'s varints: the version byte, then per inner record
 * a presence byte (bit 0: key, bit 1: value), the key's and the value's length-prefixed bytes when
 * present, the timestamp (8 bytes), the number of headers and each header's key (a string) and
 * value (a presence byte, then length-prefixed bytes).
 */
final class HopBatch {

    /** Internal header of a batch record; its value is the version byte. */
    static final String HEADER = InternalHeaders.PREFIX + "batch";
    static final byte VERSION = 1;

    private static final int KEY = 1;
    private static final int VALUE = 2;
    /** A bound of the framing bytes of one inner record beyond its key, value and header bytes. */
    private static final int RECORD_OVERHEAD = 1 + 5 + 5 + 8 + 5;
    private static final int HEADER_OVERHEAD = 5 + 1 + 5;

    /** One record inside a batch: a heartbeat has a {@code null} value. */
    record Inner(byte[] key, byte[] value, long timestamp, Headers headers) {
    }

    private HopBatch() {
    }

    /** The headers of a batch record: only the marker. */
    static Headers headers() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(HEADER, new byte[] {VERSION});
        return headers;
    }

    /** Whether a record of a repartition topic with these headers is a batch (else a plain record). */
    static boolean isBatch(Headers headers) {
        return headers.lastHeader(HEADER) != null;
    }

    /** The inner records of a batch, in the order they were added. */
    static List<Inner> read(byte[] batch) {
        if (batch == null || batch.length == 0) {
            throw new SerializationException("an empty batch");
        }
        if (batch[0] != VERSION) {
            throw new SerializationException("a batch of unknown version " + batch[0]);
        }
        BinaryReader in = new BinaryReader(batch, 1);
        List<Inner> records = new ArrayList<>();
        while (in.hasRemaining()) {
            int present = in.readByte();
            byte[] key = (present & KEY) != 0 ? in.readBytes() : null;
            byte[] value = (present & VALUE) != 0 ? in.readBytes() : null;
            long timestamp = in.readLong();
            int count = in.readVarint();
            RecordHeaders headers = new RecordHeaders();
            for (int i = 0; i < count; i++) {
                String name = in.readString();
                headers.add(name, in.readByte() != 0 ? in.readBytes() : null);
            }
            records.add(new Inner(key, value, timestamp, headers));
        }
        return records;
    }

    /** The framed size of a record added to a batch: what {@link Builder#bytes} grows by, at most. */
    static long sizeOf(byte[] key, byte[] value, Headers headers) {
        long size = RECORD_OVERHEAD + length(key) + length(value);
        for (Header header : headers) {
            size += HEADER_OVERHEAD + header.key().length() * 3L + length(header.value());
        }
        return size;
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    /** A batch being filled: the records for one partition since the last one sent. */
    static final class Builder {

        private BinaryWriter out;
        private long bytes;
        private int count;
        private long lastTimestamp;

        Builder() {
            clear();
        }

        void add(byte[] key, byte[] value, long timestamp, Headers headers) {
            bytes += sizeOf(key, value, headers);
            count++;
            lastTimestamp = timestamp;
            out.writeByte((key != null ? KEY : 0) | (value != null ? VALUE : 0));
            if (key != null) {
                out.writeBytes(key);
            }
            if (value != null) {
                out.writeBytes(value);
            }
            out.writeLong(timestamp);
            Header[] all = headers.toArray();
            out.writeVarint(all.length);
            for (Header header : all) {
                out.writeString(header.key());
                if (header.value() == null) {
                    out.writeByte(0);
                } else {
                    out.writeByte(1).writeBytes(header.value());
                }
            }
        }

        /** An upper bound of the batch's size. */
        long bytes() {
            return bytes;
        }

        int count() {
            return count;
        }

        boolean isEmpty() {
            return count == 0;
        }

        /** The timestamp of the last record added: the batch record's own. */
        long lastTimestamp() {
            return lastTimestamp;
        }

        byte[] toBytes() {
            return out.toByteArray();
        }

        void clear() {
            out = new BinaryWriter(1024);
            out.writeByte(VERSION);
            bytes = 1;
            count = 0;
            lastTimestamp = 0;
        }
    }

    /**
     * The batches of every partition of one topic, in the making: each record goes to its
     * partition's batch, in the order added, and a batch goes to {@code out} when the next record
     * would take it beyond {@code capBytes} (a record larger than that goes alone), when it reaches
     * that size, or when flushed.
     */
    static final class Packer {

        /** Where a full or flushed batch goes. */
        @FunctionalInterface
        interface Out {
            void send(int partition, byte[] batch, long timestamp);
        }

        private final Builder[] batches;
        private final int capBytes;
        private final Out out;
        private int pending;

        Packer(int partitions, int capBytes, Out out) {
            this.batches = new Builder[partitions];
            for (int p = 0; p < partitions; p++) {
                batches[p] = new Builder();
            }
            this.capBytes = capBytes;
            this.out = out;
        }

        void add(int partition, byte[] key, byte[] value, long timestamp, Headers headers) {
            Builder batch = batches[partition];
            if (!batch.isEmpty() && batch.bytes() + sizeOf(key, value, headers) > capBytes) {
                flush(partition);
            }
            if (batch.isEmpty()) {
                pending++;
            }
            batch.add(key, value, timestamp, headers);
            if (batch.bytes() >= capBytes) {
                flush(partition);
            }
        }

        void flush(int partition) {
            Builder batch = batches[partition];
            if (batch.isEmpty()) {
                return;
            }
            byte[] bytes = batch.toBytes();
            long timestamp = batch.lastTimestamp();
            batch.clear();
            pending--;
            out.send(partition, bytes, timestamp);
        }

        void flushAll() {
            for (int p = 0; pending > 0 && p < batches.length; p++) {
                flush(p);
            }
        }

        /** Whether no batch holds anything. */
        boolean isEmpty() {
            return pending == 0;
        }
    }
}
