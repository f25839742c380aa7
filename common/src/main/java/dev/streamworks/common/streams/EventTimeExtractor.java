package dev.streamworks.common.streams;

import dev.streamworks.common.event.Event;
import dev.streamworks.common.serde.Parsed;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time from the payload (CONTRACTS.md section 1), never the Kafka record timestamp. Values
 * reach it already validated by {@link dev.streamworks.common.serde.EventSerde}, far-future times
 * included; records that failed validation never get here (they went to the dead-letter topic).
 */
public final class EventTimeExtractor implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof Parsed<?> parsed && parsed.value() instanceof Event event) {
            return event.eventTime().toEpochMilli();
        }
        if (record.value() instanceof Event event) {
            return event.eventTime().toEpochMilli();
        }
        return record.timestamp();
    }
}
