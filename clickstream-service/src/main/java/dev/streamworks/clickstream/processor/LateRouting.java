package dev.streamworks.clickstream.processor;

import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.serde.Parsed;
import dev.streamworks.common.streams.LateRecords;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Sends a record that an output could not count to the late topic (CONTRACTS.md section 1):
 * original bytes, the input's own headers (without our internal arrival header), and the
 * {@code x-late-*} headers naming the output; counted in metrics per output.
 */
final class LateRouting {

    private LateRouting() {
    }

    static void route(ProcessorContext<String, Object> context, Record<String, ? extends Parsed<?>> record,
                      String output, long windowEndMs, long streamTimeMs, String sink, StreamworksMetrics metrics) {
        Record<String, ? extends Parsed<?>> clean = record.withHeaders(ArrivalTime.withoutArrival(record.headers()));
        context.forward(LateRecords.forOutput(clean, output, windowEndMs, streamTimeMs), sink);
        metrics.late(output);
    }
}
