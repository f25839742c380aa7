package dev.streamworks.common.time;

import dev.streamworks.common.event.Event;
import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.serde.Parsed;
import dev.streamworks.common.streams.LateRecords;
import dev.streamworks.common.streams.UpdateForwarder;
import dev.streamworks.common.streams.Window;
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

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One generic keyed-window operator for every tumbling and hopping output, in the shape of Kafka's
 * own {@code KStreamWindowAggregate} (windows, initializer, aggregator, output mapper), on the
 * event-time rule of docs/semantics.md:
 * <ul>
 *   <li>input: records keyed by the grouping key, after a {@link EventTime#receive receiver} (its
 *       {@link Clock} given to {@link Builder#build});</li>
 *   <li>a record is late for a window when {@code end + grace <= rwm} (its read watermark, carried
 *       from its input partition); late for one of its windows, it goes to the late topic once per
 *       output named in {@link Builder#late}, with the end of the youngest window it missed;</li>
 *   <li>in {@code UPDATE} mode the changed windows are emitted when the store's record cache
 *       flushes: at each commit ({@code commit.interval.ms}) or when the cache evicts the entry,
 *       one record per window changed since the last flush, with its latest figures (as Kafka's
 *       DSL emits a cached KTable aggregation; {@link UpdateForwarder}, which also says why an
 *       update and its record always commit together). Expired windows are deleted only after a
 *       flush, so their last change is never lost; deletions emit nothing;</li>
 *   <li>a window closes when the task's watermark reaches {@code end + grace}: in {@code FINAL}
 *       mode its one record is emitted then. The start of the last closed window is kept in a
 *       logged store, so a closed window is never updated again, after a restart neither: in
 *       {@code UPDATE} mode a record of it emitted after it closed (its last change, flushed
 *       later) has the figures it closed with;</li>
 *   <li>closed windows stay queryable until the watermark passes {@code start + retention}, then are
 *       deleted: the changelogs are compacted key-value topics cleared by tombstones, so the
 *       broker's clock never deletes live state (docs/README.md, "state").</li>
 * </ul>
 * An optional distinct dimension ({@link Builder#distinct}) tells the aggregator whether a value
 * (a user, say) is new in the window, exactly: the values of each (window, key) in append-only
 * chunks of a second, cached store ({@link DistinctSets}: a changelog record per changed chunk and
 * commit, a hash lookup per record), deleted chunk by chunk when the window closes.
 *
 * @param <T> the event
 * @param <A> the aggregate of one key in one window
 */
public final class WindowAggregation<T extends Event, A> implements ProcessorSupplier<String, Parsed<T>, String, Object> {

    /** What the operator emits by itself. */
    public enum Emit {
        /**
         * The changed windows, with their latest figures, when the store's record cache flushes: at
         * each commit or when the cache evicts the entry (Spark's update mode; after every change
         * when the store has no cache).
         */
        UPDATE,
        /** Once per window, when it closes (Spark's append mode). */
        FINAL,
        /** Nothing: an {@link UpdateListener} decides what to emit. */
        NONE
    }

    /** Adds one event to a window's aggregate; {@code firstOfDistinct} is false without a distinct dimension. */
    @FunctionalInterface
    public interface Aggregator<T, A> {
        A apply(String key, T event, A aggregate, boolean firstOfDistinct);
    }

    /** The value of an emitted record for a window's aggregate. */
    @FunctionalInterface
    public interface OutputMapper<A> {
        Object apply(String key, Window window, A aggregate);
    }

    /** Forwards extra records after an update (alerts, anomalies). */
    @FunctionalInterface
    public interface UpdateListener<T, A> {
        void updated(String key, Window window, A before, A after, T event, Emitter emitter);
    }

    /** Forwards a record to a sink of the processor. */
    @FunctionalInterface
    public interface Emitter {
        void emit(String sink, String key, Object value, long timestampMs);
    }

    private final Builder<T, A> spec;

    private WindowAggregation(Builder<T, A> spec) {
        this.spec = spec;
    }

    public static <T extends Event, A> Builder<T, A> named(String name) {
        return new Builder<>(name);
    }

    public String storeName() {
        return spec.name + "-store";
    }

    /**
     * The chunks of the distinct sets. The name says the layout: the store of one (window, key, value)
     * per entry was {@code <name>-distinct-store}, which an upgraded instance must not read as chunks.
     */
    private String distinctStoreName() {
        return spec.name + "-distinct-chunks-store";
    }

    private String closedStoreName() {
        return spec.name + "-closed-store";
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
        Set<StoreBuilder<?>> stores = new HashSet<>();
        StoreBuilder<KeyValueStore<WindowKey, A>> windowStore = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(storeName()), WindowKey.SERDE, spec.aggregateSerde);
        stores.add(spec.recordCache ? windowStore.withCachingEnabled() : windowStore);
        stores.add(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(closedStoreName()), Serdes.String(),
                Serdes.Long()).withCachingEnabled());
        if (spec.distinct != null) {
            stores.add(DistinctSets.storeBuilder(distinctStoreName()));
        }
        return stores;
    }

    @Override
    public Processor<String, Parsed<T>, String, Object> get() {
        return new Operator();
    }

    /** The windows of {@code key} starting in {@code [fromStart, toStart]}, oldest first, from a queried store. */
    public static <A> List<KeyValue<Long, A>> fetch(org.apache.kafka.streams.state.ReadOnlyKeyValueStore<WindowKey, A> store,
                                                    String key, long fromStart, long toStart) {
        List<KeyValue<Long, A>> found = new ArrayList<>();
        if (fromStart > toStart) {
            return found;
        }
        long upper = toStart == Long.MAX_VALUE ? Long.MAX_VALUE : toStart + 1;
        try (KeyValueIterator<WindowKey, A> windows = store.range(WindowKey.first(fromStart), WindowKey.first(upper))) {
            while (windows.hasNext()) {
                KeyValue<WindowKey, A> entry = windows.next();
                if (entry.key.start() > toStart) {
                    break;
                }
                if (entry.key.key().equals(key)) {
                    found.add(KeyValue.pair(entry.key.start(), entry.value));
                }
            }
        }
        return found;
    }

    private static final String CLOSED_KEY = "closed-up-to";

    private final class Operator implements Processor<String, Parsed<T>, String, Object> {

        private final Windows windows = spec.windows;
        private ProcessorContext<String, Object> context;
        private KeyValueStore<WindowKey, A> store;
        private KeyValueStore<String, Long> closed;
        /** Created in each {@code init}: its index never outlives a re-initialization (DistinctSets). */
        private DistinctSets distinct;
        /** In {@code UPDATE} mode, forwards the changed windows when the store's cache flushes. */
        private UpdateForwarder<WindowKey, A, String, Object> updates;
        private long closedUpTo;
        private long evictedUpTo;
        private Watermark watermark;

        @Override
        public void init(ProcessorContext<String, Object> context) {
            this.context = context;
            this.store = context.getStateStore(storeName());
            this.closed = context.getStateStore(closedStoreName());
            this.distinct = spec.distinct == null ? null
                    : new DistinctSets(context.getStateStore(distinctStoreName()), spec.distinctCapacity);
            this.updates = spec.emit != Emit.UPDATE ? null : UpdateForwarder.attach(context, store, spec.outputSink,
                    (windowKey, aggregate, timestamp) -> output(windowKey.key(), windows.window(windowKey.start()),
                            aggregate));
            Long stored = closed.get(CLOSED_KEY);
            this.closedUpTo = stored == null ? Long.MIN_VALUE : stored;
            this.evictedUpTo = Long.MIN_VALUE;
            this.watermark = spec.eventTime.watermark(context, spec.clock);
            context.schedule(spec.eventTime.settings().closeCheck(), PunctuationType.WALL_CLOCK_TIME,
                    now -> advance(watermark.get()));
        }

        @Override
        public void process(Record<String, Parsed<T>> record) {
            // windows the watermark closed are emitted before this record could touch them
            advance(watermark.get());
            T event = record.value().value();
            long time = event.eventTime().toEpochMilli();
            long rwm = Stamp.rwmOf(record.headers(), record.timestamp());
            String key = record.key();
            long missedEnd = Long.MIN_VALUE;
            for (long start : windows.startsOf(time)) {
                if (windows.isLate(start, rwm) || start <= closedUpTo) {
                    // late, or (only after an idle input partition came back) closed without it
                    missedEnd = start + windows.sizeMs();
                } else {
                    update(key, start, event);
                }
            }
            if (missedEnd != Long.MIN_VALUE) {
                for (String output : spec.lateOutputs) {
                    context.forward(LateRecords.forOutput(record, output, missedEnd, rwm), spec.lateSink);
                    spec.metrics.late(output);
                }
            }
        }

        private void update(String key, long start, T event) {
            WindowKey windowKey = new WindowKey(start, key);
            A before = store.get(windowKey);
            A current = before != null ? before : spec.initializer.get();
            Bytes value = distinct == null ? null : DistinctSets.value(spec.distinct.apply(event));
            boolean first = value != null && !distinct.contains(start, key, value);
            A after = spec.aggregator.apply(key, event, current, first);
            store.put(windowKey, after);
            if (first) {
                // after the aggregate: a record the aggregator rejects (to the dead-letter topic)
                // leaves its value unseen, to be counted by the next record that has it
                distinct.add(start, key, value);
            }
            if (updates != null) {
                updates.changed(windowKey, after, start + windows.sizeMs());
            }
            if (spec.listener != null) {
                spec.listener.updated(key, windows.window(start), current, after, event, this::emit);
            }
        }

        private void emit(String sink, String key, Object value, long timestampMs) {
            context.forward(new Record<>(key, value, timestampMs), sink);
        }

        private void forward(String key, Window window, A aggregate) {
            Record<String, Object> output = output(key, window, aggregate);
            if (output != null) {
                context.forward(output, spec.outputSink);
            }
        }

        /** The output record of a window: a new record (no internal header), timestamped with the window's end. */
        private Record<String, Object> output(String key, Window window, A aggregate) {
            Object value = spec.mapper.apply(key, window, aggregate);
            return value == null ? null : new Record<>(key, value, window.endMs());
        }

        /** Closes (and in final mode emits) every window the watermark passed; evicts past retention. */
        private void advance(long watermark) {
            long lastClosed = windows.lastClosedStart(watermark);
            if (lastClosed == Long.MIN_VALUE || lastClosed <= closedUpTo) {
                return;
            }
            if (spec.emit == Emit.FINAL) {
                try (KeyValueIterator<WindowKey, A> due = store.range(WindowKey.first(from(closedUpTo)),
                        WindowKey.first(lastClosed + 1))) {
                    while (due.hasNext()) {
                        KeyValue<WindowKey, A> entry = due.next();
                        if (entry.key.start() <= lastClosed) {
                            forward(entry.key.key(), windows.window(entry.key.start()), entry.value);
                        }
                    }
                }
            }
            if (distinct != null) {
                distinct.deleteUpTo(from(closedUpTo), lastClosed);
            }
            closedUpTo = lastClosed;
            closed.put(CLOSED_KEY, closedUpTo);
            long evictable = Math.min(lastClosed, windows.alignDown(watermark - spec.retentionMs));
            if (evictable > evictedUpTo) {
                List<WindowKey> expired = keysUpTo(store, WindowKey.first(from(evictedUpTo)), evictable, WindowKey::start);
                if (!expired.isEmpty() && updates != null) {
                    // the cache may still hold an expiring window's last change, not yet emitted: its
                    // tombstone would replace it unseen (a backlog can update, close and expire a
                    // window between two commits)
                    updates.flush();
                }
                // deleted after the iterator is closed, not under it
                expired.forEach(store::delete);
                evictedUpTo = evictable;
            }
        }

        private long from(long doneUpTo) {
            return doneUpTo == Long.MIN_VALUE ? Long.MIN_VALUE : doneUpTo + 1;
        }

        /** The keys from {@code from} of the windows starting up to {@code lastStart}, to delete once the iterator is closed. */
        private <K, V> List<K> keysUpTo(KeyValueStore<K, V> target, K from, long lastStart, Function<K, Long> startOf) {
            List<K> doomed = new ArrayList<>();
            try (KeyValueIterator<K, V> old = target.range(from, null)) {
                while (old.hasNext()) {
                    K key = old.next().key;
                    if (startOf.apply(key) > lastStart) {
                        break;
                    }
                    doomed.add(key);
                }
            }
            return doomed;
        }
    }

    /** Declares one windowed output. */
    public static final class Builder<T extends Event, A> {

        private final String name;
        private Windows windows;
        private Emit emit = Emit.UPDATE;
        private long retentionMs;
        private Supplier<A> initializer;
        private Aggregator<T, A> aggregator;
        private Serde<A> aggregateSerde;
        private Function<T, String> distinct;
        private int distinctCapacity = DistinctSets.DEFAULT_CAPACITY;
        private OutputMapper<A> mapper = (key, window, aggregate) -> null;
        private String outputSink;
        private UpdateListener<T, A> listener;
        private boolean recordCache = true;
        private List<String> lateOutputs = List.of();
        private String lateSink;
        private EventTime eventTime;
        private Clock clock;
        private StreamworksMetrics metrics;

        private Builder(String name) {
            this.name = name;
        }

        /** The windows; {@code retention} (at least size + grace) is how long closed windows stay queryable. */
        public Builder<T, A> windows(Windows windows, Duration retention) {
            this.windows = windows;
            this.retentionMs = Math.max(retention.toMillis(), windows.sizeMs() + windows.graceMs());
            return this;
        }

        public Builder<T, A> aggregate(Supplier<A> initializer, Aggregator<T, A> aggregator, Serde<A> serde) {
            this.initializer = initializer;
            this.aggregator = aggregator;
            this.aggregateSerde = serde;
            return this;
        }

        /** The aggregator learns whether {@code value} of the event is new in the window. */
        public Builder<T, A> distinct(Function<T, String> value) {
            return distinct(value, DistinctSets.DEFAULT_CAPACITY);
        }

        /**
         * As {@link #distinct(Function)}, with the in-memory index of the sets bounded to {@code
         * indexCapacity} values per task (a set it drops is read again from the store when needed).
         */
        public Builder<T, A> distinct(Function<T, String> value, int indexCapacity) {
            if (indexCapacity < 0) {
                throw new IllegalArgumentException("distinct index capacity " + indexCapacity + " is negative");
            }
            this.distinct = value;
            this.distinctCapacity = indexCapacity;
            return this;
        }

        /** What the operator emits by itself, to {@code sink}, as {@code mapper} says. */
        public Builder<T, A> emit(Emit emit, String sink, OutputMapper<A> mapper) {
            this.emit = emit;
            this.outputSink = sink;
            this.mapper = mapper;
            return this;
        }

        public Builder<T, A> onUpdate(UpdateListener<T, A> listener) {
            this.listener = listener;
            return this;
        }

        /**
         * Whether the window store has a record cache (the default). The cache coalesces a window's
         * updates between commits: fewer changelog records and, in {@code UPDATE} mode, fewer
         * outputs. Keys that rarely repeat within a commit interval (per user) gain nothing from it
         * and crowd out the keys that do: Kafka Streams' cache is shared by the stores of a stream
         * thread and, once full, evicts from the store being written, so a store with few keys
         * then loses its entries at every write and coalesces nothing.
         */
        public Builder<T, A> recordCache(boolean enabled) {
            this.recordCache = enabled;
            return this;
        }

        /** A late record goes to {@code sink} once for each of {@code outputs}. */
        public Builder<T, A> late(String sink, String... outputs) {
            this.lateSink = sink;
            this.lateOutputs = List.of(outputs);
            return this;
        }

        /** The operator, after the receiver whose watermark ({@code clock}) closes its windows. */
        public WindowAggregation<T, A> build(EventTime eventTime, Clock clock, StreamworksMetrics metrics) {
            this.eventTime = Objects.requireNonNull(eventTime, "eventTime");
            this.clock = Objects.requireNonNull(clock, "clock");
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            Objects.requireNonNull(windows, "windows");
            Objects.requireNonNull(aggregator, "aggregate");
            Objects.requireNonNull(lateSink, "late");
            if (emit != Emit.NONE) {
                Objects.requireNonNull(outputSink, "emit sink");
            }
            return new WindowAggregation<>(this);
        }
    }
}
