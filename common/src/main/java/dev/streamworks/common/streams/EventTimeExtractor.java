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
 * So is the stream time of its input partition once it is read (Kafka Streams' partition time, which
 * it is given), for the first hop's sender ({@link dev.streamworks.common.time.EventTime}): a task
 * that reads other partitions too has no per-partition time of its own to offer.
 */
public final class EventTimeExtractor implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        Event event = record.value() instanceof Parsed<?> parsed && parsed.value() instanceof Event e ? e
                : record.value() instanceof Event e ? e : null;
        if (event == null) {
            InternalHeaders.rememberPartitionTime(record.headers(), Math.max(partitionTime, record.timestamp()));
            return record.timestamp();
        }
        InternalHeaders.rememberOriginTimestamp(record.headers(), record.timestamp());
        long time = event.eventTime().toEpochMilli();
        InternalHeaders.rememberPartitionTime(record.headers(), Math.max(partitionTime, time));
        return time;
    }
}
