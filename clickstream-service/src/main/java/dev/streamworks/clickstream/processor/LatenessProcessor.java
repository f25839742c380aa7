package dev.streamworks.clickstream.processor;

import dev.streamworks.clickstream.ClickstreamProperties;
import dev.streamworks.clickstream.domain.EventLateness;
import dev.streamworks.clickstream.domain.LatencyHistogram;
import dev.streamworks.common.event.Click;
import dev.streamworks.common.serde.Parsed;
import dev.streamworks.common.streams.Window;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@code event-lateness-1m}: lateness (arrival wall-clock time minus event time) of the clicks
 * that arrived during each minute of wall-clock (processing) time, in {@code final} mode: one
 * record per minute, emitted by a wall-clock punctuator once the minute has ended (plus
 * {@code emit-delay}, for clicks still on their way through the repartition topics). Every click
 * goes through this single task (a one-partition topic), so a minute gives one record, not one
 * per partition. Minutes without clicks emit nothing.
 * <p>
 * Each minute's latencies are kept as the buckets of a {@link LatencyHistogram} (an HdrHistogram
 * with four significant digits: exact to the millisecond below 32,768 ms), one logged store entry per
 * bucket ({@link LatenessBuckets}), so a click costs one small read and write and a restart loses
 * nothing; the minute's histogram is put together when it is emitted. A click whose minute was
 * already emitted (it took longer than the emit delay to get here) is counted in the oldest minute
 * not yet emitted.
 */
public final class LatenessProcessor implements Processor<String, LatenessSample, String, Object> {

    public static final String KEY = "all";
    public static final String STORE = "event-lateness-buckets-store";
    public static final String EMITTED_STORE = "event-lateness-emitted-store";
    public static final String SINK = "event-lateness-sink";

    private static final String EMITTED_KEY = "emitted-up-to";

    private final long sizeMs;
    private final long emitDelayMs;
    private final ClickstreamProperties.EventLateness spec;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<LatenessBuckets.Key, LatenessBuckets.Figures> buckets;
    private KeyValueStore<String, Long> emitted;
    private long emittedUpTo = Long.MIN_VALUE;

    LatenessProcessor(ClickstreamProperties props) {
        this.spec = props.eventLateness();
        this.sizeMs = spec.size().toMillis();
        this.emitDelayMs = spec.emitDelay().toMillis();
    }

    public static ProcessorSupplier<String, LatenessSample, String, Object> supplier(ClickstreamProperties props) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, LatenessSample, String, Object> get() {
                return new LatenessProcessor(props);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                                LatenessBuckets.keySerde(), LatenessBuckets.figuresSerde()).withCachingEnabled(),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EMITTED_STORE), Serdes.String(),
                                Serdes.Long()).withCachingEnabled());
            }
        };
    }

    /** Turns a click into its lateness sample, reading the arrival time stamped at the source. */
    public static FixedKeyProcessorSupplier<String, Parsed<Click>, LatenessSample> sampler() {
        return () -> new FixedKeyProcessor<>() {
            private FixedKeyProcessorContext<String, LatenessSample> context;

            @Override
            public void init(FixedKeyProcessorContext<String, LatenessSample> context) {
                this.context = context;
            }

            @Override
            public void process(FixedKeyRecord<String, Parsed<Click>> record) {
                long arrival = ArrivalTime.of(record.headers(), context.currentSystemTimeMs());
                context.forward(record.withValue(new LatenessSample(arrival,
                        record.value().value().eventTime().toEpochMilli())));
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.buckets = context.getStateStore(STORE);
        this.emitted = context.getStateStore(EMITTED_STORE);
        Long mark = emitted.get(EMITTED_KEY);
        this.emittedUpTo = mark == null ? Long.MIN_VALUE : mark;
        context.schedule(spec.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, this::emitEnded);
    }

    @Override
    public void process(Record<String, LatenessSample> record) {
        LatenessSample sample = record.value();
        long minute = Math.floorDiv(sample.arrivalMs(), sizeMs) * sizeMs;
        if (minute < emittedUpTo) {
            minute = emittedUpTo;
        }
        long latency = Math.max(0, sample.latencyMs());
        LatenessBuckets.Key key = new LatenessBuckets.Key(minute, LatencyHistogram.bucketOf(latency));
        LatenessBuckets.Figures figures = buckets.get(key);
        buckets.put(key, figures == null ? LatenessBuckets.Figures.of(latency) : figures.add(latency));
    }

    private static LatencyHistogram histogram(Map<Long, LatenessBuckets.Figures> figures) {
        Map<Long, Long> counts = new TreeMap<>();
        long sum = 0;
        long max = 0;
        for (Map.Entry<Long, LatenessBuckets.Figures> bucket : figures.entrySet()) {
            counts.put(bucket.getKey(), bucket.getValue().count());
            sum += bucket.getValue().sum();
            max = Math.max(max, bucket.getValue().max());
        }
        return LatencyHistogram.of(counts, sum, max);
    }

    /** Emits, once, every minute that ended at least {@code emit-delay} ago (wall clock). */
    private void emitEnded(long now) {
        long endedBefore = Math.floorDiv(now - emitDelayMs, sizeMs) * sizeMs;
        if (endedBefore <= emittedUpTo) {
            return;
        }
        // only minutes not yet emitted are in the store: everything before the first one still open
        SortedMap<Long, Map<Long, LatenessBuckets.Figures>> ended = new TreeMap<>();
        List<LatenessBuckets.Key> done = new ArrayList<>();
        try (KeyValueIterator<LatenessBuckets.Key, LatenessBuckets.Figures> range = buckets.range(
                new LatenessBuckets.Key(0, 0), new LatenessBuckets.Key(endedBefore - sizeMs, Long.MAX_VALUE))) {
            while (range.hasNext()) {
                KeyValue<LatenessBuckets.Key, LatenessBuckets.Figures> entry = range.next();
                ended.computeIfAbsent(entry.key.minute(), minute -> new TreeMap<>()).put(entry.key.bucket(), entry.value);
                done.add(entry.key);
            }
        }
        ended.forEach((minute, figures) -> {
            Window window = Window.ofMillis(minute, minute + sizeMs);
            context.forward(new Record<>(KEY, EventLateness.of(window, histogram(figures)), window.endMs()), SINK);
        });
        done.forEach(buckets::delete);
        emittedUpTo = endedBefore;
        emitted.put(EMITTED_KEY, endedBefore);
    }
}
