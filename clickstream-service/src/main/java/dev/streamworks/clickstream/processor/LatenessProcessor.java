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
import java.util.Set;

/**
 * {@code event-lateness-1m}: lateness (arrival wall-clock time minus event time) of the clicks
 * that arrived during each minute of wall-clock (processing) time, in {@code final} mode: one
 * record per minute, emitted by a wall-clock punctuator once the minute has ended (plus
 * {@code emit-delay}, for clicks still on their way through the repartition topics). Every click
 * goes through this single task (a one-partition topic), so a minute gives one record, not one
 * per partition. Minutes without clicks emit nothing.
 * <p>
 * Each minute's latencies are kept in a {@link LatencyHistogram} (bounded, exact to the
 * millisecond below 10 s and to four significant digits above) in a logged key-value store, so a
 * restart loses nothing. A click whose minute was already emitted (it took longer than the emit
 * delay to get here) is counted in the oldest minute not yet emitted.
 */
public final class LatenessProcessor implements Processor<String, LatenessSample, String, Object> {

    public static final String KEY = "all";
    public static final String STORE = "event-lateness-store";
    public static final String EMITTED_STORE = "event-lateness-emitted-store";
    public static final String SINK = "event-lateness-sink";

    private static final String EMITTED_KEY = "emitted-up-to";

    private final long sizeMs;
    private final long emitDelayMs;
    private final ClickstreamProperties.EventLateness spec;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<Long, LatencyHistogram> minutes;
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
                return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.Long(),
                                new LatencyHistogramSerde()),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EMITTED_STORE), Serdes.String(),
                                Serdes.Long()));
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
        this.minutes = context.getStateStore(STORE);
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
        LatencyHistogram histogram = minutes.get(minute);
        if (histogram == null) {
            histogram = new LatencyHistogram();
        }
        histogram.record(sample.latencyMs());
        minutes.put(minute, histogram);
    }

    /** Emits, once, every minute that ended at least {@code emit-delay} ago (wall clock). */
    private void emitEnded(long now) {
        long endedBefore = Math.floorDiv(now - emitDelayMs, sizeMs) * sizeMs;
        if (endedBefore <= emittedUpTo) {
            return;
        }
        List<KeyValue<Long, LatencyHistogram>> ended = new ArrayList<>();
        try (KeyValueIterator<Long, LatencyHistogram> all = minutes.all()) {
            while (all.hasNext()) {
                KeyValue<Long, LatencyHistogram> entry = all.next();
                if (entry.key + sizeMs <= endedBefore) {
                    ended.add(entry);
                }
            }
        }
        // the store's keys are serialized big-endian but signed, so order explicitly
        ended.sort((a, b) -> Long.compare(a.key, b.key));
        for (KeyValue<Long, LatencyHistogram> entry : ended) {
            Window window = Window.ofMillis(entry.key, entry.key + sizeMs);
            context.forward(new Record<>(KEY, EventLateness.of(window, entry.value), window.endMs()), SINK);
            minutes.delete(entry.key);
        }
        emittedUpTo = endedBefore;
        emitted.put(EMITTED_KEY, endedBefore);
    }
}
