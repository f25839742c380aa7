package dev.streamworks.clickstream.processor;

import dev.streamworks.common.event.Click;
import dev.streamworks.common.serde.Parsed;
import dev.streamworks.common.streams.UpdateForwarder;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A running table without a window ({@code user-activity}, {@code product-conversion}): per key of
 * the input, one value in a key-value store, updated by every deduplicated click, late or not
 * (docs/semantics.md: outputs without a window count every valid record). With a record cache
 * the changed keys are emitted when it flushes (at each commit, or when the cache evicts the
 * entry): one record per key changed since the last flush, with its latest value, timestamped
 * with the event time of its last click ({@link UpdateForwarder}; Spark's update mode emits once
 * per micro-batch the same way); without one, after each change.
 *
 * @param <A> the running value
 */
public final class RunningTotals<A> implements ProcessorSupplier<String, Parsed<Click>, String, Object> {

    private final String store;
    private final String sink;
    private final boolean recordCache;
    private final Serde<A> serde;
    private final Function<String, A> first;
    private final BiFunction<A, Click, A> add;

    /**
     * @param recordCache whether the store has a record cache, which coalesces a key's changes
     *                    between commits: for keys that change several times in a commit interval
     *                    (products), not for keys that rarely do (users), which would only crowd
     *                    out the others (WindowAggregation.Builder#recordCache says why); without
     *                    it every change is emitted
     * @param first       the value of a key before its first click
     * @param add         the value after one more click
     */
    public RunningTotals(String store, String sink, boolean recordCache, Serde<A> serde, Function<String, A> first,
                         BiFunction<A, Click, A> add) {
        this.store = store;
        this.sink = sink;
        this.recordCache = recordCache;
        this.serde = serde;
        this.first = first;
        this.add = add;
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
        StoreBuilder<KeyValueStore<String, A>> builder = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(store), Serdes.String(), serde);
        return Set.of(recordCache ? builder.withCachingEnabled() : builder);
    }

    @Override
    public Processor<String, Parsed<Click>, String, Object> get() {
        return new Processor<>() {
            private KeyValueStore<String, A> values;
            private UpdateForwarder<String, A, String, Object> updates;

            @Override
            public void init(ProcessorContext<String, Object> context) {
                this.values = context.getStateStore(store);
                // a new record, without the input's internal headers; its timestamp is the last
                // change's record's: the click's event time (EventTimeExtractor, kept by every hop)
                this.updates = UpdateForwarder.attach(context, values, sink,
                        (key, value, timestamp) -> new Record<>(key, value, timestamp));
            }

            @Override
            public void process(Record<String, Parsed<Click>> record) {
                Click click = record.value().value();
                A current = values.get(record.key());
                A updated = add.apply(current == null ? first.apply(record.key()) : current, click);
                values.put(record.key(), updated);
                updates.changed(record.key(), updated, click.eventTime().toEpochMilli());
            }
        };
    }
}
