package dev.streamworks.clickstream.processor;

import dev.streamworks.clickstream.ClickstreamProperties;
import dev.streamworks.clickstream.domain.ClickImpressionMatch;
import dev.streamworks.common.event.Click;
import dev.streamworks.common.event.Event;
import dev.streamworks.common.event.Impression;
import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.serde.BinaryCodec;
import dev.streamworks.common.serde.BinaryReader;
import dev.streamworks.common.serde.BinaryWriter;
import dev.streamworks.common.serde.Parsed;
import dev.streamworks.common.streams.LateRecords;
import dev.streamworks.common.time.Clock;
import dev.streamworks.common.time.EventTime;
import dev.streamworks.common.time.Stamp;
import dev.streamworks.common.time.TimeIndex;
import dev.streamworks.common.time.Watermark;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code click-impression-matches}: the stream-stream inner join of the course (Spark's
 * impressions/clicks example), per user: {@code impression_time <= click_time <= impression_time
 * + interval} (docs/semantics.md section 4). Each side is kept in a key-value store ordered by user
 * and event time, and a new record is matched against the other side's, so each pair is emitted
 * once, when its second record arrives, in whatever order the two arrive.
 * <p>
 * Lateness, per side and by the record's read watermark: a click is late when {@code click_time +
 * click-grace <= rwm}, an impression when {@code impression_time + impression-grace <= rwm}; a late
 * record is neither matched nor kept, and goes to the late topic once. State is kept exactly as long
 * as a record that is not late can still match it, by the watermark: impressions until {@code
 * impression_time + interval + click-grace}, clicks until {@code click_time + impression-grace}
 * (a time index per side). So the pairs emitted are every pair of records that are not late,
 * whatever the interleaving. Why not the DSL's {@code KStream#join}: one grace for both sides, late
 * records dropped silently, and the join window's store expires by its own clock.
 */
public final class MatchProcessor implements Processor<String, UserEvent, String, Object> {

    public static final String IMPRESSIONS_STORE = "match-impressions-store";
    public static final String IMPRESSIONS_EXPIRY_STORE = "match-impressions-expiry-store";
    public static final String CLICKS_STORE = "match-clicks-store";
    public static final String CLICKS_EXPIRY_STORE = "match-clicks-expiry-store";
    public static final String SINK = "click-impression-matches-sink";
    public static final String LATE_SINK = "click-impression-late-sink";

    private final ClickstreamProperties props;
    private final StreamworksMetrics metrics;
    private final EventTime eventTime;
    private final Clock clock;
    private Watermark watermark;
    private final long intervalMs;
    private final long clickGraceMs;
    private final long impressionGraceMs;
    private ProcessorContext<String, Object> context;
    private Side<Impression> impressions;
    private Side<Click> clicks;

    MatchProcessor(ClickstreamProperties props, StreamworksMetrics metrics, EventTime eventTime, Clock clock) {
        this.props = props;
        this.metrics = metrics;
        this.eventTime = eventTime;
        this.clock = clock;
        this.intervalMs = props.matches().interval().toMillis();
        this.clickGraceMs = props.matches().clickGrace().toMillis();
        this.impressionGraceMs = props.matches().impressionGrace().toMillis();
    }

    public static ProcessorSupplier<String, UserEvent, String, Object> supplier(ClickstreamProperties props,
                                                                                StreamworksMetrics metrics,
                                                                                EventTime eventTime,
                                                                                Clock clock) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, UserEvent, String, Object> get() {
                return new MatchProcessor(props, metrics, eventTime, clock);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(sideStore(IMPRESSIONS_STORE, new ImpressionCodec()),
                        TimeIndex.storeBuilder(IMPRESSIONS_EXPIRY_STORE),
                        sideStore(CLICKS_STORE, new ClickCodec()), TimeIndex.storeBuilder(CLICKS_EXPIRY_STORE));
            }
        };
    }

    private static <T> StoreBuilder<KeyValueStore<Bytes, T>> sideStore(String name, BinaryCodec<T> codec) {
        Serde<T> serde = Serdes.serdeFrom((topic, value) -> {
            if (value == null) {
                return null;
            }
            BinaryWriter out = new BinaryWriter(64);
            codec.write(value, out);
            return out.toByteArray();
        }, (topic, bytes) -> bytes == null ? null : codec.read(new BinaryReader(bytes, 0)));
        // not cached: each click and impression is written once and evicted once, far apart
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.Bytes(), serde);
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.impressions = new Side<>(context.getStateStore(IMPRESSIONS_STORE),
                new TimeIndex(context.getStateStore(IMPRESSIONS_EXPIRY_STORE)));
        this.clicks = new Side<>(context.getStateStore(CLICKS_STORE),
                new TimeIndex(context.getStateStore(CLICKS_EXPIRY_STORE)));
        this.watermark = eventTime.watermark(context, clock);
        context.schedule(eventTime.settings().closeCheck(), PunctuationType.WALL_CLOCK_TIME, now -> evict());
    }

    @Override
    public void process(Record<String, UserEvent> record) {
        evict();
        long rwm = Stamp.rwmOf(record.headers(), record.timestamp());
        // a unique suffix per record of this task's partition: two equal impressions are two records
        long offset = context.recordMetadata().map(metadata -> metadata.offset()).orElse(-1L);
        if (record.value() instanceof UserEvent.ClickEvent event) {
            Click click = event.click();
            long time = click.eventTime().toEpochMilli();
            if (time + clickGraceMs <= rwm) {
                late(record, event.parsed(), time, rwm);
                return;
            }
            impressions.between(click.userId(), time - intervalMs, time, impression -> forward(impression, click));
            clicks.keep(click.userId(), time, offset, click, time + impressionGraceMs);
        } else if (record.value() instanceof UserEvent.ImpressionEvent event) {
            Impression impression = event.impression();
            long time = impression.eventTime().toEpochMilli();
            if (time + impressionGraceMs <= rwm) {
                late(record, event.parsed(), time, rwm);
                return;
            }
            clicks.between(impression.userId(), time, time + intervalMs, click -> forward(impression, click));
            impressions.keep(impression.userId(), time, offset, impression, time + intervalMs + clickGraceMs);
        }
    }

    private void evict() {
        long now = watermark.get();
        impressions.evict(now);
        clicks.evict(now);
    }

    private void late(Record<String, UserEvent> record, Parsed<?> parsed, long eventTimeMs, long rwm) {
        String output = props.topics().matches();
        context.forward(LateRecords.forOutput(record.withValue(parsed), output, eventTimeMs, rwm), LATE_SINK);
        metrics.late(output);
    }

    private void forward(Impression impression, Click click) {
        ClickImpressionMatch match = ClickImpressionMatch.of(click.userId(), impression.impressionId(),
                impression.impressionTime(), click.eventId(), click.productId(), click.timestamp());
        context.forward(new Record<>(click.userId(), match, click.eventTime().toEpochMilli()), SINK);
    }

    /**
     * One side of the join: records by (user, event time, offset), and the time index by which the
     * watermark evicts them.
     */
    private static final class Side<T extends Event> {

        private final KeyValueStore<Bytes, T> records;
        private final TimeIndex expiry;

        Side(KeyValueStore<Bytes, T> records, TimeIndex expiry) {
            this.records = records;
            this.expiry = expiry;
        }

        void keep(String user, long time, long offset, T value, long expiresAt) {
            byte[] key = key(user, time, offset);
            records.put(Bytes.wrap(key), value);
            expiry.put(expiresAt, key);
        }

        /** Every kept record of {@code user} with event time in {@code [from, to]}. */
        void between(String user, long from, long to, Consumer<T> each) {
            Bytes lower = Bytes.wrap(key(user, from, Long.MIN_VALUE));
            Bytes upper = Bytes.wrap(key(user, to, Long.MAX_VALUE));
            try (KeyValueIterator<Bytes, T> found = records.range(lower, upper)) {
                while (found.hasNext()) {
                    KeyValue<Bytes, T> entry = found.next();
                    each.accept(entry.value);
                }
            }
        }

        void evict(long watermark) {
            if (!expiry.anyDue(watermark)) {
                return;
            }
            for (TimeIndex.Due due : expiry.takeDue(watermark)) {
                records.delete(Bytes.wrap(due.id()));
            }
        }

        /** (user length, user, event time, offset), numbers with the sign bit flipped: byte order is their order. */
        private static byte[] key(String user, long time, long offset) {
            byte[] u = user.getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(4 + u.length + 16).putInt(u.length).put(u).putLong(time ^ Long.MIN_VALUE)
                    .putLong(offset ^ Long.MIN_VALUE).array();
        }
    }
}
