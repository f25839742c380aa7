package dev.streamworks.common.streams;

import dev.streamworks.common.event.Event;
import dev.streamworks.common.serde.Parsed;
import dev.streamworks.common.time.InternalHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time from the payload (docs/semantics.md), never the Kafka record timestamp. Values
 * reach it already validated by {@link dev.streamworks.common.serde.EventSerde}, far-future times
 * included; records that failed validation never get here (they went to the dead-letter topic).
 * <p>
 * The record's own Kafka timestamp is about to be replaced by its event time: it is remembered in
 * an internal header, so a record routed to the late topic leaves with the timestamp it came with.
 */
public final class EventTimeExtractor implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        Event event = record.value() instanceof Parsed<?> parsed && parsed.value() instanceof Event e ? e
                : record.value() instanceof Event e ? e : null;
        if (event == null) {
            return record.timestamp();
        }
        InternalHeaders.rememberOriginTimestamp(record.headers(), record.timestamp());
        return event.eventTime().toEpochMilli();
    }
}
