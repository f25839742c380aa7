package dev.streamworks.common.time;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;

import java.nio.charset.StandardCharsets;

/**
 * The first processor after a repartition topic written in {@link HopBatch batches}: forwards each
 * inner record of a batch, in order, as it would have been read alone (its key, value bytes,
 * timestamp and headers; {@link HopDecoder} then deserializes the value), and a record in the plain
 * form of an older version as it is.
 * <p>
 * Each inner record is forwarded with a record context of its own, whose source key and value are
 * the inner record's bytes: a processor after it that throws has the processing exception handler
 * dead-letter that inner record (KIP-1034 builds the record from the context's source bytes and
 * headers), exactly as when it came alone, and the batch's other records go on. Kafka internals
 * (not public API), checked against Kafka Streams 4.4.0: {@link InternalProcessorContext#setRecordContext}
 * and {@link ProcessorRecordContext}, whose source bytes {@code forward} carries on.
 */
final class HopUnpacker implements Processor<String, byte[], String, byte[]> {

    private ProcessorContext<String, byte[]> context;
    private InternalProcessorContext<?, ?> internal;

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.internal = context instanceof InternalProcessorContext<?, ?> kafka ? kafka : null;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (!HopBatch.isBatch(record.headers())) {
            context.forward(record); // written one by one, before batches: as it is
            return;
        }
        ProcessorRecordContext batch = internal == null ? null : internal.recordContext();
        try {
            for (HopBatch.Inner inner : HopBatch.read(record.value())) {
                if (batch != null) {
                    internal.setRecordContext(new ProcessorRecordContext(inner.timestamp(), batch.offset(),
                            batch.partition(), batch.topic(), inner.headers(), inner.key(), inner.value()));
                }
                String key = inner.key() == null ? null : new String(inner.key(), StandardCharsets.UTF_8);
                context.forward(new Record<>(key, inner.value(), inner.timestamp(), inner.headers()));
            }
        } finally {
            if (batch != null) {
                internal.setRecordContext(batch);
            }
        }
    }
}
