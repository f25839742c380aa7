package dev.streamworks.clickstream.processor;

import dev.streamworks.common.event.Click;
import dev.streamworks.common.serde.Parsed;
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
 * (docs/semantics.md: outputs without a window count every valid record), and emitted after
 * each change with the click's event time as timestamp.
 *
 * @param <A> the running value
 */
public final class RunningTotals<A> implements ProcessorSupplier<String, Parsed<Click>, String, Object> {

    private final String store;
    private final String sink;
    private final Serde<A> serde;
    private final Function<String, A> first;
    private final BiFunction<A, Click, A> add;

    /**
     * @param first the value of a key before its first click
     * @param add   the value after one more click
     */
    public RunningTotals(String store, String sink, Serde<A> serde, Function<String, A> first, BiFunction<A, Click, A> add) {
        this.store = store;
        this.sink = sink;
        this.serde = serde;
        this.first = first;
        this.add = add;
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
        return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store), Serdes.String(), serde)
                .withCachingEnabled());
    }

    @Override
    public Processor<String, Parsed<Click>, String, Object> get() {
        return new Processor<>() {
            private ProcessorContext<String, Object> context;
            private KeyValueStore<String, A> values;

            @Override
            public void init(ProcessorContext<String, Object> context) {
                this.context = context;
                this.values = context.getStateStore(store);
            }

            @Override
            public void process(Record<String, Parsed<Click>> record) {
                Click click = record.value().value();
                A current = values.get(record.key());
                A updated = add.apply(current == null ? first.apply(record.key()) : current, click);
                values.put(record.key(), updated);
                context.forward(new Record<>(record.key(), updated, click.eventTime().toEpochMilli()), sink);
            }
        };
    }
}
