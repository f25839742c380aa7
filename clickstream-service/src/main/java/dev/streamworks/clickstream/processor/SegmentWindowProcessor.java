package dev.streamworks.clickstream.processor;

import dev.streamworks.clickstream.ClickstreamProperties;
import dev.streamworks.clickstream.domain.SegmentDashboard;
import dev.streamworks.clickstream.domain.WindowFigures;
import dev.streamworks.common.event.Click;
import dev.streamworks.common.ops.StreamworksMetrics;
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
 * {@code segment-dashboard-5m}: per user segment (input keyed by the segment the click was
 * enriched with) and tumbling window, events, distinct users (exact or approximate, as for
 * products), revenue and revenue per purchase. A click whose window has closed goes to the late
 * topic once.
 */
public final class SegmentWindowProcessor implements Processor<String, Parsed<Click>, String, Object> {

    public static final String WINDOWS_STORE = "segment-windows-store";
    public static final String USERS_STORE = "segment-window-users-store";
    public static final String EMITTED_STORE = "segment-windows-emitted-store";
    public static final String SINK = "segment-dashboard-sink";
    public static final String LATE_SINK = "segment-late-sink";

    private static final String EMITTED_KEY = "emitted-up-to";

    private final ClickstreamProperties props;
    private final StreamworksMetrics metrics;
    private final WindowSlots slots;
    private final boolean approximate;
    private ProcessorContext<String, Object> context;
    private WindowStore<String, WindowFigures> windows;
    private DistinctUsers users;
    private KeyValueStore<String, Long> emitted;

    SegmentWindowProcessor(ClickstreamProperties props, StreamworksMetrics metrics) {
        this.props = props;
        this.metrics = metrics;
        this.slots = new WindowSlots(props.segmentDashboard());
        this.approximate = props.distinct() == ClickstreamProperties.Distinct.APPROXIMATE;
    }

    public static ProcessorSupplier<String, Parsed<Click>, String, Object> supplier(ClickstreamProperties props,
                                                                                    StreamworksMetrics metrics) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, Parsed<Click>, String, Object> get() {
                return new SegmentWindowProcessor(props, metrics);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                Set<StoreBuilder<?>> stores = new HashSet<>();
                stores.add(Stores.windowStoreBuilder(Stores.persistentWindowStore(WINDOWS_STORE, props.retention(),
                        props.segmentDashboard().size(), false), Serdes.String(), new WindowFiguresSerde())
                        .withCachingEnabled());
                if (props.distinct() == ClickstreamProperties.Distinct.EXACT) {
                    stores.add(DistinctUsers.storeBuilder(USERS_STORE, props.segmentDashboard().size(),
                            props.segmentDashboard().grace()));
                }
                if (props.segmentDashboard().emit() == ClickstreamProperties.Emit.FINAL) {
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
        String segment = record.key();
        long eventTime = click.eventTime().toEpochMilli();
        long streamTime = context.currentStreamTimeMs();
        if (slots.isFinal()) {
            // before this record's write: a write moves the store's own clock and may expire the
            // very windows that are due now, if stream time jumped further than the retention
            slots.emitClosed(streamTime, windows, emitted, EMITTED_KEY,
                    (windowed, figures) -> forward(windowed.key(), windowed.window().start(), figures));
        }
        long start = slots.startsOf(eventTime)[0];
        if (slots.isClosed(start, streamTime)) {
            LateRouting.route(context, record, props.topics().segmentDashboard(), start + slots.sizeMs(), streamTime,
                    LATE_SINK, metrics);
        } else {
            WindowFigures current = windows.fetch(segment, start);
            boolean newUser = !approximate && users.add(segment, click.userId(), start);
            WindowFigures updated = (current == null ? WindowFigures.empty() : current)
                    .add(newUser, approximate, click.userId(), click.eventType() == Click.EventType.PURCHASE,
                            click.revenue(), click.amount());
            windows.put(segment, updated, start);
            if (!slots.isFinal()) {
                forward(segment, start, updated);
            }
        }
    }

    private void forward(String segment, long start, WindowFigures figures) {
        context.forward(new Record<>(segment, new SegmentDashboard(slots.window(start), segment, figures.events(),
                figures.uniqueUsers(), figures.revenue(), figures.revenuePerPurchase()), start + slots.sizeMs()), SINK);
    }
}
