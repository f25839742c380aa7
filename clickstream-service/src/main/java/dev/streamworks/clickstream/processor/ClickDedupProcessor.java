package dev.streamworks.clickstream.processor;

import dev.streamworks.common.event.Click;
import dev.streamworks.common.time.Clock;
import dev.streamworks.common.time.EventTime;
import dev.streamworks.common.time.Stamp;
import dev.streamworks.common.time.TimeIndex;
import dev.streamworks.common.time.Watermark;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

/**
 * Drops repeated {@code event_id}s within {@code dedup-window} (docs/semantics.md section 4; Spark's
 * {@code dropDuplicatesWithinWatermark}): a click is a duplicate when the latest counted click with
 * its {@code event_id} has an event time less than the window apart and was read less than the window
 * before it, in the stream time of their input partitions ({@code rwm}). Both conditions depend on the
 * input alone, so a backlog, live traffic and a restart drop the same clicks. It runs in the per-user
 * task: a duplicate is a copy of an event, with its {@code user_id}, so every copy of an id meets
 * the same store, and a user's clicks keep their input order on the way (impressions pass through).
 * <p>
 * State: per user and id the kept copy's event time and read watermark (a key-value store), and an index by
 * the time the watermark makes it useless ({@code rwm + window}: no later copy can then satisfy the
 * second condition), by which it is deleted. Both stores are compacted and cleared by tombstones.
 * <p>
 * Late clicks are not dropped here: the outputs without a window count every valid record, late or
 * not, and the windowed ones route late records to the late topic.
 */
public final class ClickDedupProcessor implements Processor<String, UserEvent, String, UserEvent> {

    public static final String STORE = "dedup-first-copies-store";
    public static final String EXPIRY_STORE = "dedup-expiry-store";
    public static final String DUPLICATES = "streamworks.clickstream.duplicates";

    /** The kept copy of an id: its event time and read watermark. */
    record Kept(long eventTimeMs, long rwm) {
    }

    private final long windowMs;
    private final EventTime eventTime;
    private final Clock clock;
    private final Counter duplicates;
    private Watermark watermark;
    private ProcessorContext<String, UserEvent> context;
    private KeyValueStore<String, Kept> kept;
    private TimeIndex expiry;

    ClickDedupProcessor(Duration window, EventTime eventTime, Clock clock, MeterRegistry registry) {
        this.windowMs = window.toMillis();
        this.eventTime = eventTime;
        this.clock = clock;
        this.duplicates = Counter.builder(DUPLICATES).description("Clicks dropped as a repeated event_id")
                .register(registry);
    }

    /** @param clock the watermark of the clicks' channels, by which ids are forgotten */
    public static ProcessorSupplier<String, UserEvent, String, UserEvent> supplier(Duration window, EventTime eventTime,
                                                                                  Clock clock, MeterRegistry registry) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, UserEvent, String, UserEvent> get() {
                return new ClickDedupProcessor(window, eventTime, clock, registry);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                // not cached: an id is read and written once per copy, hours apart; a record cache
                // would crowd out the aggregates, whose updates it coalesces
                return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                        new KeptSerde()), TimeIndex.storeBuilder(EXPIRY_STORE));
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, UserEvent> context) {
        this.context = context;
        this.kept = context.getStateStore(STORE);
        this.expiry = new TimeIndex(context.getStateStore(EXPIRY_STORE));
        this.watermark = eventTime.watermark(context, clock);
        context.schedule(eventTime.settings().closeCheck(), PunctuationType.WALL_CLOCK_TIME, now -> evict());
    }

    @Override
    public void process(Record<String, UserEvent> record) {
        evict();
        if (!(record.value() instanceof UserEvent.ClickEvent event)) {
            context.forward(record);
            return;
        }
        Click click = event.click();
        long time = click.eventTime().toEpochMilli();
        long rwm = Stamp.rwmOf(record.headers(), record.timestamp());
        String copyKey = copyKey(click);
        Kept first = kept.get(copyKey);
        if (first != null && Math.abs(time - first.eventTimeMs()) < windowMs && rwm - first.rwm() < windowMs) {
            duplicates.increment();
            return;
        }
        byte[] id = copyKey.getBytes(StandardCharsets.UTF_8);
        if (first != null) {
            expiry.delete(first.rwm() + windowMs, id);
        }
        kept.put(copyKey, new Kept(time, rwm));
        expiry.put(rwm + windowMs, id);
        context.forward(record);
    }

    /**
     * The key of an event's copies: its user and {@code event_id} (docs/semantics.md section 4: a
     * copy of an event has its user; one id with two users is two events, which may share this
     * task).
     */
    static String copyKey(Click click) {
        return click.userId() + '\u0000' + click.eventId();
    }

    private void evict() {
        long now = watermark.get();
        if (!expiry.anyDue(now)) {
            return;
        }
        for (TimeIndex.Due due : expiry.takeDue(now)) {
            String id = new String(due.id(), StandardCharsets.UTF_8);
            Kept current = kept.get(id);
            // a newer copy of the id replaced the entry: its own expiry is still indexed
            if (current != null && current.rwm() + windowMs == due.time()) {
                kept.delete(id);
            }
        }
    }

    /** 16 bytes: event time and read watermark. */
    static final class KeptSerde implements Serde<Kept> {
        @Override
        public Serializer<Kept> serializer() {
            return (topic, value) -> value == null ? null
                    : ByteBuffer.allocate(16).putLong(value.eventTimeMs()).putLong(value.rwm()).array();
        }

        @Override
        public Deserializer<Kept> deserializer() {
            return (topic, bytes) -> {
                if (bytes == null) {
                    return null;
                }
                if (bytes.length != 16) {
                    throw new SerializationException("a dedup entry has 16 bytes, not " + bytes.length);
                }
                ByteBuffer in = ByteBuffer.wrap(bytes);
                return new Kept(in.getLong(), in.getLong());
            };
        }
    }
}
