package dev.streamworks.common.streams;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Makes every dead-letter record fit where it goes, before it is sent: a send that fails for its
 * size would abort the transaction under exactly-once, and the record would fail again on every
 * retry, forever (issue 13). The stack trace header is cut to {@link #MAX_STACKTRACE_BYTES}; a record
 * still larger than the limit (an existing dead-letter topic with a smaller {@code max.message.bytes})
 * keeps its key and headers and has its value cut to what fits, with the header
 * {@value #TRUNCATED_FROM} holding the value's original size in bytes.
 */
public final class DeadLetterRecords {

    /** Header of a dead letter whose value was cut: the original value's size in bytes (UTF-8 digits). */
    public static final String TRUNCATED_FROM = "x-truncated-from";

    /** Kafka Streams' stack trace header (KIP-1034). */
    static final String STACKTRACE = "__streams.errors.stacktrace";

    /** Enough for the frames that say where it failed; a deep trace of a 2 MiB record is not worth 2 MiB. */
    public static final int MAX_STACKTRACE_BYTES = 8 * 1024;

    /**
     * The bytes a record may take beyond its key, value and headers in the batch that carries it
     * alone: the v2 batch header (61 bytes) and the record's own varints, at their largest.
     */
    static final int RECORD_OVERHEAD = 61 + 5 + 1 + 10 + 5 + 5 + 5 + 5;

    private DeadLetterRecords() {
    }

    /** Each record fitted to {@code limitBytes} (no limit when not positive). */
    public static List<ProducerRecord<byte[], byte[]>> fit(List<ProducerRecord<byte[], byte[]>> records, int limitBytes) {
        return records.stream().map(record -> fit(record, limitBytes)).toList();
    }

    /** The record with its stack trace capped, and its value cut when it would still not fit {@code limitBytes}. */
    public static ProducerRecord<byte[], byte[]> fit(ProducerRecord<byte[], byte[]> record, int limitBytes) {
        Headers headers = capStacktrace(record.headers());
        byte[] value = record.value();
        if (limitBytes > 0 && value != null && sizeUpperBound(record.key(), value, headers) > limitBytes) {
            byte[] marker = String.valueOf(value.length).getBytes(StandardCharsets.UTF_8);
            long rest = sizeUpperBound(record.key(), null, headers) + headerSize(TRUNCATED_FROM, marker);
            int room = (int) Math.max(0, Math.min(value.length, limitBytes - rest));
            headers.remove(TRUNCATED_FROM);
            headers.add(TRUNCATED_FROM, marker);
            value = Arrays.copyOf(value, room);
        }
        return new ProducerRecord<>(record.topic(), record.partition(), record.timestamp(), record.key(), value, headers);
    }

    /** An upper bound of the bytes a record takes in a batch of its own, as the producer and broker count them. */
    static long sizeUpperBound(byte[] key, byte[] value, Headers headers) {
        long size = RECORD_OVERHEAD + length(key) + length(value);
        for (Header header : headers) {
            size += headerSize(header.key(), header.value());
        }
        return size;
    }

    private static long headerSize(String key, byte[] value) {
        return 10 + key.getBytes(StandardCharsets.UTF_8).length + length(value);
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static Headers capStacktrace(Headers original) {
        Headers headers = new RecordHeaders();
        for (Header header : original) {
            byte[] value = header.value();
            if (header.key().equals(STACKTRACE) && value != null && value.length > MAX_STACKTRACE_BYTES) {
                value = Arrays.copyOf(value, MAX_STACKTRACE_BYTES);
            }
            headers.add(header.key(), value);
        }
        return headers;
    }
}
