package dev.streamworks.clickstream.processor;

import dev.streamworks.clickstream.ClickstreamProperties;
import dev.streamworks.clickstream.domain.EventTypeCount;
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
 * {@code event-type-counts}: events and {@code price * quantity} per event type and hopping window
 * (input keyed and partitioned by {@code event_type}, duplicates already dropped).
 * <p>
 * A click belongs to {@code size / advance} windows. It is counted in each of them that is still
 * open, as Spark counts the (row, window) pairs its watermark lets through. If at least one of its
 * windows had already closed, the output could not count it fully, so it goes to the late topic
 * once, with {@code x-window-end} the end of the latest closed one.
 */
public final class EventTypeWindowProcessor implements Processor<String, Parsed<Click>, String, Object> {

    public static final String WINDOWS_STORE = "event-type-windows-store";
    public static final String EMITTED_STORE = "event-type-windows-emitted-store";
    public static final String SINK = "event-type-counts-sink";
    public static final String LATE_SINK = "event-type-late-sink";

    private static final String EMITTED_KEY = "emitted-up-to";

    private final ClickstreamProperties props;
    private final StreamworksMetrics metrics;
    private final WindowSlots slots;
    private ProcessorContext<String, Object> context;
    private WindowStore<String, WindowFigures> windows;
    private KeyValueStore<String, Long> emitted;

    EventTypeWindowProcessor(ClickstreamProperties props, StreamworksMetrics metrics) {
        this.props = props;
        this.metrics = metrics;
        this.slots = new WindowSlots(props.eventTypeCounts());
    }

    public static ProcessorSupplier<String, Parsed<Click>, String, Object> supplier(ClickstreamProperties props,
                                                                                    StreamworksMetrics metrics) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, Parsed<Click>, String, Object> get() {
                return new EventTypeWindowProcessor(props, metrics);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                Set<StoreBuilder<?>> stores = new HashSet<>();
                stores.add(Stores.windowStoreBuilder(Stores.persistentWindowStore(WINDOWS_STORE, props.retention(),
                        props.eventTypeCounts().size(), false), Serdes.String(), new WindowFiguresSerde())
                        .withCachingEnabled());
                if (props.eventTypeCounts().emit() == ClickstreamProperties.Emit.FINAL) {
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
        if (slots.isFinal()) {
            this.emitted = context.getStateStore(EMITTED_STORE);
        }
    }

    @Override
    public void process(Record<String, Parsed<Click>> record) {
        Click click = record.value().value();
        long eventTime = click.eventTime().toEpochMilli();
        long streamTime = context.currentStreamTimeMs();
        if (slots.isFinal()) {
            // before this record's writes, which may expire the windows due now (see ProductWindowProcessor)
            slots.emitClosed(streamTime, windows, emitted, EMITTED_KEY,
                    (windowed, figures) -> forward(windowed.key(), windowed.window().start(), figures));
        }
        String type = click.eventType().json();
        long latestClosedEnd = Long.MIN_VALUE;
        for (long start : slots.startsOf(eventTime)) {
            if (slots.isClosed(start, streamTime)) {
                latestClosedEnd = start + slots.sizeMs();
                continue;
            }
            WindowFigures current = windows.fetch(type, start);
            WindowFigures updated = (current == null ? WindowFigures.empty() : current)
                    .add(false, false, click.userId(), click.eventType() == Click.EventType.PURCHASE, click.revenue(),
                            click.amount());
            windows.put(type, updated, start);
            if (!slots.isFinal()) {
                forward(type, start, updated);
            }
        }
        if (latestClosedEnd != Long.MIN_VALUE) {
            LateRouting.route(context, record, props.topics().eventTypeCounts(), latestClosedEnd, streamTime, LATE_SINK,
                    metrics);
        }
    }

    private void forward(String type, long start, WindowFigures figures) {
        context.forward(new Record<>(type, new EventTypeCount(slots.window(start), type, figures.events(),
                figures.amount()), start + slots.sizeMs()), SINK);
    }
}
