package dev.streamworks.clickstream.processor;

import dev.streamworks.common.event.Click;
import dev.streamworks.common.serde.Parsed;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

import java.time.Duration;
import java.util.Set;

/**
 * Drops repeated {@code event_id}s, like Spark's {@code dropDuplicates("event_id")} under a
 * watermark of {@code dedup-window}: the first copy of an id is remembered with its event time,
 * and a later copy is dropped while that first copy is younger than the window, measured against
 * the task's stream time (its "watermark"). The input must be partitioned by {@code event_id}, so
 * every copy of an id meets the same store.
 * <p>
 * The store is a RocksDB window store whose windows are {@code dedup-window} long, aligned to
 * the epoch: an id is kept in the window of its first copy's event time. A copy can only match a
 * first copy from the window of the watermark or the one after it, so a lookup is at most two
 * point reads, never an iterator, and the state is bounded by the ids of two windows: older
 * segments fall away as stream time moves on.
 * <p>
 * Unlike Spark, a record older than the watermark is not dropped here: the outputs without a
 * window count every valid record, late or not, and the windowed ones route late records to the
 * late topic. Such a record is let through as new (its first copy, if any, is forgotten).
 */
public final class ClickDedupProcessor implements Processor<String, Parsed<Click>, String, Parsed<Click>> {

    public static final String STORE = "click-dedup-ids-store";
    public static final String DUPLICATES = "streamworks.clickstream.duplicates";

    private final long windowMs;
    private final Counter duplicates;
    private ProcessorContext<String, Parsed<Click>> context;
    private WindowStore<String, Long> seen;

    ClickDedupProcessor(Duration window, MeterRegistry registry) {
        this.windowMs = window.toMillis();
        this.duplicates = Counter.builder(DUPLICATES).description("Clicks dropped as a repeated event_id")
                .register(registry);
    }

    public static ProcessorSupplier<String, Parsed<Click>, String, Parsed<Click>> supplier(Duration window,
                                                                                          MeterRegistry registry) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, Parsed<Click>, String, Parsed<Click>> get() {
                return new ClickDedupProcessor(window, registry);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                // retention: the watermark's window and the current one
                return Set.of(Stores.windowStoreBuilder(
                        Stores.persistentWindowStore(STORE, window.multipliedBy(2), window, false),
                        Serdes.String(), Serdes.Long()));
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, Parsed<Click>> context) {
        this.context = context;
        this.seen = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, Parsed<Click>> record) {
        Click click = record.value().value();
        long eventTime = click.eventTime().toEpochMilli();
        long streamTime = context.currentStreamTimeMs();
        // a first copy seen after the watermark (stream time - window) is still remembered; no first
        // copy is later than stream time, so only the windows of these two instants can hold it
        long remembered = streamTime - windowMs + 1;
        long oldest = slot(remembered);
        long newest = slot(streamTime);
        if (isFirstCopyAfter(click.eventId(), oldest, remembered)
                || (newest != oldest && isFirstCopyAfter(click.eventId(), newest, remembered))) {
            duplicates.increment();
            return;
        }
        seen.put(click.eventId(), eventTime, slot(eventTime));
        context.forward(record);
    }

    private boolean isFirstCopyAfter(String eventId, long slot, long remembered) {
        Long first = seen.fetch(eventId, slot);
        return first != null && first >= remembered;
    }

    private long slot(long time) {
        return time - Math.floorMod(time, windowMs);
    }
}
