package dev.streamworks.clickstream.processor;

import dev.streamworks.clickstream.ClickstreamProperties;
import dev.streamworks.clickstream.ClickstreamProperties.Output;
import dev.streamworks.clickstream.domain.ProductClicks;
import dev.streamworks.clickstream.domain.ProductConversion;
import dev.streamworks.clickstream.domain.WindowFigures;
import dev.streamworks.common.event.Click;
import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.serde.JsonSerde;
import dev.streamworks.common.serde.Parsed;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

import java.util.HashSet;
import java.util.Set;

/**
 * Per product (input keyed and partitioned by {@code product_id}, duplicates already dropped):
 * <ul>
 *   <li>{@code clicks-per-product-5m}: clicks and distinct users per tumbling window. Exact mode
 *       keeps one store entry per (product, window, user) ({@link DistinctUsers}); approximate
 *       mode a HyperLogLog sketch in the window's figures. A click whose window has closed is not
 *       counted and goes to the late topic once.</li>
 *   <li>{@code product-conversion}: the running funnel, every click counted, late or not.</li>
 * </ul>
 */
public final class ProductWindowProcessor implements Processor<String, Parsed<Click>, String, Object> {

    public static final String WINDOWS_STORE = "product-windows-store";
    public static final String USERS_STORE = "product-window-users-store";
    public static final String CONVERSION_STORE = "product-conversion-store";
    public static final String EMITTED_STORE = "product-windows-emitted-store";
    public static final String WINDOWS_SINK = "clicks-per-product-sink";
    public static final String CONVERSION_SINK = "product-conversion-sink";
    public static final String LATE_SINK = "product-late-sink";

    private static final String EMITTED_KEY = "emitted-up-to";

    private final ClickstreamProperties props;
    private final StreamworksMetrics metrics;
    private final WindowSlots slots;
    private final boolean approximate;
    private ProcessorContext<String, Object> context;
    private WindowStore<String, WindowFigures> windows;
    private DistinctUsers users;
    private KeyValueStore<String, ProductConversion> conversions;
    private KeyValueStore<String, Long> emitted;

    ProductWindowProcessor(ClickstreamProperties props, StreamworksMetrics metrics) {
        this.props = props;
        this.metrics = metrics;
        this.slots = new WindowSlots(props.clicksPerProduct());
        this.approximate = props.distinct() == ClickstreamProperties.Distinct.APPROXIMATE;
    }

    public static ProcessorSupplier<String, Parsed<Click>, String, Object> supplier(ClickstreamProperties props,
                                                                                    StreamworksMetrics metrics) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, Parsed<Click>, String, Object> get() {
                return new ProductWindowProcessor(props, metrics);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                Set<StoreBuilder<?>> stores = new HashSet<>();
                if (props.computes(Output.PRODUCT_CONVERSION)) {
                    stores.add(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CONVERSION_STORE),
                            Serdes.String(), JsonSerde.of(ProductConversion.class)).withCachingEnabled());
                }
                if (!props.computes(Output.CLICKS_PER_PRODUCT)) {
                    return stores;
                }
                stores.add(Stores.windowStoreBuilder(Stores.persistentWindowStore(WINDOWS_STORE, props.retention(),
                        props.clicksPerProduct().size(), false), Serdes.String(), new WindowFiguresSerde())
                        .withCachingEnabled());
                if (props.distinct() == ClickstreamProperties.Distinct.EXACT) {
                    stores.add(DistinctUsers.storeBuilder(USERS_STORE, props.clicksPerProduct().size(),
                            props.clicksPerProduct().grace()));
                }
                if (props.clicksPerProduct().emit() == ClickstreamProperties.Emit.FINAL) {
                    stores.add(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EMITTED_STORE),
                            Serdes.String(), Serdes.Long()).withCachingEnabled());
                }
                return stores;
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        if (props.computes(Output.PRODUCT_CONVERSION)) {
            this.conversions = context.getStateStore(CONVERSION_STORE);
        }
        if (!props.computes(Output.CLICKS_PER_PRODUCT)) {
            return;
        }
        this.windows = context.getStateStore(WINDOWS_STORE);
        if (!approximate) {
            this.users = new DistinctUsers(context.getStateStore(USERS_STORE));
        }
        if (slots.isFinal()) {
            this.emitted = context.getStateStore(EMITTED_STORE);
        }
    }

    @Override
    public void process(Record<String, Parsed<Click>> record) {
        Click click = record.value().value();
        long eventTime = click.eventTime().toEpochMilli();
        long streamTime = context.currentStreamTimeMs();
        if (windows != null && slots.isFinal()) {
            // before this record's write: a write moves the store's own clock and may expire the
            // very windows that are due now, if stream time jumped further than the retention
            slots.emitClosed(streamTime, windows, emitted, EMITTED_KEY,
                    (windowed, figures) -> forward(windowed.key(), windowed.window().start(), figures));
        }
        String product = click.productId();

        if (conversions != null) {
            ProductConversion conversion = conversions.get(product);
            conversion = (conversion == null ? ProductConversion.first(product) : conversion).add(click.eventType());
            conversions.put(product, conversion);
            context.forward(new Record<>(product, conversion, eventTime), CONVERSION_SINK);
        }
        if (windows == null) {
            return;
        }
        long start = slots.startsOf(eventTime)[0];
        if (slots.isClosed(start, streamTime)) {
            LateRouting.route(context, record, props.topics().clicksPerProduct(), start + slots.sizeMs(), streamTime,
                    LATE_SINK, metrics);
        } else {
            WindowFigures current = windows.fetch(product, start);
            boolean newUser = !approximate && users.add(product, click.userId(), start);
            WindowFigures updated = (current == null ? WindowFigures.empty() : current)
                    .add(newUser, approximate, click.userId(), click.eventType() == Click.EventType.PURCHASE,
                            click.revenue(), click.amount());
            windows.put(product, updated, start);
            if (!slots.isFinal()) {
                forward(product, start, updated);
            }
        }
    }

    private void forward(String product, long start, WindowFigures figures) {
        context.forward(new Record<>(product, toOutput(product, start, figures), start + slots.sizeMs()),
                WINDOWS_SINK);
    }

    ProductClicks toOutput(String product, long start, WindowFigures figures) {
        return new ProductClicks(slots.window(start), product, figures.events(), figures.uniqueUsers());
    }
}
