package dev.streamworks.common.streams;

import dev.streamworks.common.serde.Parsed;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Records too late for a window that has already closed. They are not counted, and not lost:
 * each goes to {@code <service>.late} with its original bytes, once per windowed output that
 * could not count it, with headers naming that output, the window end and the stream time.
 */
public final class LateRecords {

    public static final String REASON_HEADER = "x-late-reason";
    public static final String WINDOW_END_HEADER = "x-window-end";
    public static final String STREAM_TIME_HEADER = "x-stream-time";

    private LateRecords() {
    }

    /** The record to send to the late topic for {@code output}: same key, bytes, time and headers. */
    public static <K> Record<K, byte[]> forOutput(Record<K, ? extends Parsed<?>> record, String output,
                                                  long windowEndMs, long streamTimeMs) {
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.add(REASON_HEADER, output.getBytes(StandardCharsets.UTF_8));
        headers.add(WINDOW_END_HEADER, Instant.ofEpochMilli(windowEndMs).toString().getBytes(StandardCharsets.UTF_8));
        headers.add(STREAM_TIME_HEADER, Instant.ofEpochMilli(streamTimeMs).toString().getBytes(StandardCharsets.UTF_8));
        return new Record<>(record.key(), record.value().bytes(), record.timestamp(), headers);
    }
}
