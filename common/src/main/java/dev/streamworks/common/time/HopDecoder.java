package dev.streamworks.common.time;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Deserializes the value of each record {@link HopUnpacker} forwards (a heartbeat's {@code null}
 * stays {@code null}), as the repartition topic's source did when records travelled one by one. A
 * node of its own, so a value that fails to deserialize is one record for the processing exception
 * handler, while the unpacker goes on with the rest of its batch.
 */
final class HopDecoder<W> implements FixedKeyProcessor<String, byte[], W> {

    private final Deserializer<W> deserializer;
    private FixedKeyProcessorContext<String, W> context;

    HopDecoder(Serde<W> serde) {
        this.deserializer = serde.deserializer();
    }

    @Override
    public void init(FixedKeyProcessorContext<String, W> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
        byte[] value = record.value();
        String topic = context.recordMetadata().map(metadata -> metadata.topic()).orElse(null);
        context.forward(record.withValue(value == null ? null : deserializer.deserialize(topic, record.headers(), value)));
    }
}
