package dev.streamworks.common.streams;

import dev.streamworks.common.serde.Parsed;
import dev.streamworks.common.time.InternalHeaders;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Record;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Records too late for a window that has already closed. They are not counted, and not lost:
 * each goes to {@code <service>.late} as it arrived in its input topic (key, bytes, timestamp and
 * headers, restored from what the repartition topics carried), once per windowed output that
 * could not count it, with headers naming that output, the window end and the stream time of the
 * input partition when the record was read.
 */
public final class LateRecords {

    public static final String REASON_HEADER = "x-late-reason";
    public static final String WINDOW_END_HEADER = "x-window-end";
    public static final String STREAM_TIME_HEADER = "x-stream-time";

    private LateRecords() {
    }

    /** The record to send to the late topic for {@code output}. */
    public static Record<String, byte[]> forOutput(Record<String, ? extends Parsed<?>> record, String output,
                                                   long windowEndMs, long streamTimeMs) {
        Headers headers = InternalHeaders.strip(record.headers());
        headers.add(REASON_HEADER, output.getBytes(StandardCharsets.UTF_8));
        headers.add(WINDOW_END_HEADER, Instant.ofEpochMilli(windowEndMs).toString().getBytes(StandardCharsets.UTF_8));
        headers.add(STREAM_TIME_HEADER, Instant.ofEpochMilli(streamTimeMs).toString().getBytes(StandardCharsets.UTF_8));
        return new Record<>(InternalHeaders.originKey(record.headers(), record.key()), record.value().bytes(),
                InternalHeaders.originTimestamp(record.headers(), record.timestamp()), headers);
    }
}
