package dev.streamworks.common.time;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The headers a service adds to records on their way through its own repartition topics, all
 * named with {@link #PREFIX}: the event-time {@link Stamp}, and where the record came from (its key
 * and Kafka timestamp in the input topic), so that a late or dead-lettered record leaves the service
 * exactly as it arrived. They never reach a topic outside the service's internal ones:
 * {@link #strip} removes them.
 */
public final class InternalHeaders {

    public static final String PREFIX = "__streamworks.";
    /** The record's key in its input topic (absent: the key was null). */
    public static final String ORIGIN_KEY = PREFIX + "origin-key";
    /** The record's Kafka timestamp in its input topic, 8 bytes big-endian. */
    public static final String ORIGIN_TIMESTAMP = PREFIX + "origin-timestamp";
    /**
     * The stream time of the record's input partition right after reading it, 8 bytes big-endian:
     * only between the timestamp extractor and the sender of its first hop, which removes it.
     */
    public static final String PARTITION_TIME = PREFIX + "partition-time";

    private InternalHeaders() {
    }

    /** A copy of {@code headers} without any internal header: what a record written outside carries. */
    public static Headers strip(Headers headers) {
        RecordHeaders clean = new RecordHeaders();
        for (Header header : headers) {
            if (!header.key().startsWith(PREFIX)) {
                clean.add(header);
            }
        }
        return clean;
    }

    /** A mutable copy of {@code headers}, so a change made for one child of a processor is not seen by another. */
    static Headers copy(Headers headers) {
        return new RecordHeaders(headers.toArray());
    }

    /** Remembers the input's Kafka timestamp (called where it is still known: the timestamp extractor). */
    public static void rememberOriginTimestamp(Headers headers, long timestamp) {
        headers.remove(ORIGIN_TIMESTAMP);
        headers.add(ORIGIN_TIMESTAMP, ByteBuffer.allocate(8).putLong(timestamp).array());
    }

    /**
     * Remembers the stream time of the record's input partition, as Kafka Streams keeps it (called
     * where it is known: the timestamp extractor, which is given the partition's time before the
     * record, restored from the committed offsets after a restart).
     */
    public static void rememberPartitionTime(Headers headers, long partitionTime) {
        headers.remove(PARTITION_TIME);
        headers.add(PARTITION_TIME, ByteBuffer.allocate(8).putLong(partitionTime).array());
    }

    /** The remembered stream time of the record's input partition, {@code Long.MIN_VALUE} when none. */
    static long partitionTime(Headers headers) {
        Header time = headers.lastHeader(PARTITION_TIME);
        return time == null || time.value().length != 8 ? Long.MIN_VALUE : ByteBuffer.wrap(time.value()).getLong();
    }

    /** Remembers the input's key, before the record is re-keyed. */
    static void rememberOriginKey(Headers headers, String key) {
        headers.remove(ORIGIN_KEY);
        if (key != null) {
            headers.add(ORIGIN_KEY, key.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * The record's key in its input topic: the remembered one once it went through a repartition
     * (null when it was null), else {@code current}.
     */
    public static String originKey(Headers headers, String current) {
        if (headers.lastHeader(Stamp.HEADER) == null) {
            return current;
        }
        Header key = headers.lastHeader(ORIGIN_KEY);
        return key == null ? null : new String(key.value(), StandardCharsets.UTF_8);
    }

    /** The record's Kafka timestamp in its input topic, or {@code current} when not remembered. */
    public static long originTimestamp(Headers headers, long current) {
        Header timestamp = headers.lastHeader(ORIGIN_TIMESTAMP);
        return timestamp == null || timestamp.value().length != 8 ? current : ByteBuffer.wrap(timestamp.value()).getLong();
    }
}
