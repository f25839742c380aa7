package dev.streamworks.clickstream.processor;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

import dev.streamworks.common.time.InternalHeaders;
import java.nio.ByteBuffer;

/**
 * The wall-clock time a click arrived at the service, carried in a header to the lateness task:
 * the lateness of an event is its arrival time minus its event time, measured at the source, not
 * after the repartition round trips. It is stamped only when {@code event-lateness-1m} is
 * computed, and removed after deduplication from every other branch. The header is internal: it
 * is removed from records routed to the late topic, and outputs are new records without input
 * headers.
 */
public final class ArrivalTime {

    public static final String HEADER = InternalHeaders.PREFIX + "arrival-ms";

    private ArrivalTime() {
    }

    /** Stamps each record with the task's wall-clock time. */
    public static <V> FixedKeyProcessorSupplier<String, V, V> stamp() {
        return rewritingHeaders((headers, now) -> {
            Headers stamped = withoutArrival(headers);
            stamped.add(HEADER, ByteBuffer.allocate(Long.BYTES).putLong(now).array());
            return stamped;
        });
    }

    /** Removes the arrival header, for branches that do not need it (one header less on every hop). */
    public static <V> FixedKeyProcessorSupplier<String, V, V> strip() {
        return rewritingHeaders((headers, now) -> withoutArrival(headers));
    }

    private interface HeaderRewrite {
        Headers apply(Headers headers, long nowMs);
    }

    private static <V> FixedKeyProcessorSupplier<String, V, V> rewritingHeaders(HeaderRewrite rewrite) {
        return () -> new FixedKeyProcessor<>() {
            private FixedKeyProcessorContext<String, V> context;

            @Override
            public void init(FixedKeyProcessorContext<String, V> context) {
                this.context = context;
            }

            @Override
            public void process(FixedKeyRecord<String, V> record) {
                context.forward(record.withHeaders(rewrite.apply(record.headers(), context.currentSystemTimeMs())));
            }
        };
    }

    /** The arrival time in {@code headers}, or {@code fallback} when it is missing. */
    public static long of(Headers headers, long fallback) {
        Header header = headers.lastHeader(HEADER);
        if (header == null || header.value() == null || header.value().length != Long.BYTES) {
            return fallback;
        }
        return ByteBuffer.wrap(header.value()).getLong();
    }

    /** A copy of {@code headers} without the arrival header. */
    public static Headers withoutArrival(Headers headers) {
        Headers copy = new RecordHeaders(headers.toArray());
        copy.remove(HEADER);
        return copy;
    }
}
