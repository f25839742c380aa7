package dev.streamworks.iot.processor;

import dev.streamworks.common.event.TelemetryReading;
import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.serde.JsonSerde;
import dev.streamworks.common.serde.Parsed;
import dev.streamworks.common.streams.LateRecords;
import dev.streamworks.common.streams.Window;
import dev.streamworks.iot.IotProperties;
import dev.streamworks.iot.domain.AlertType;
import dev.streamworks.iot.domain.DeviceAlert;
import dev.streamworks.iot.domain.DeviceStats;
import dev.streamworks.iot.domain.DeviceWindow;
import io.micrometer.core.instrument.Counter;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.List;
import java.util.Set;

/**
 * Per device and tumbling window: the statistics and the overheat alerts, from one RocksDB
 * window store, one read and one write per reading.
 * <ul>
 *   <li>A reading whose window has closed (window end + grace <= stream time) is not counted; it
 *       goes to the late topic once for each output (statistics, alerts).</li>
 *   <li>Alerts are decided per reading, in arrival order, from the window's figures right after
 *       it, and forwarded at once (no cache can coalesce them).</li>
 *   <li>Statistics: in {@code update} mode after every reading; in {@code final} mode exactly once
 *       per window, when stream time closes it. The end of the last window emitted is kept in a
 *       logged store, so a restart neither repeats nor skips a window.</li>
 * </ul>
 * DSL window aggregations drop late records silently and cannot give both a final and a
 * per-reading view of one aggregate; this processor does both.
 */
public final class DeviceWindowProcessor implements Processor<String, Parsed<TelemetryReading>, String, Object> {

    public static final String WINDOWS_STORE = "device-windows-store";
    public static final String ALERTS_STORE = "device-alerts-store";
    public static final String EMITTED_STORE = "device-windows-emitted-store";
    public static final String STATS_SINK = "device-stats-sink";
    public static final String ALERTS_SINK = "device-alerts-sink";
    public static final String LATE_SINK = "device-late-sink";

    private static final String EMITTED_KEY = "emitted-up-to";

    private final IotProperties props;
    private final StreamworksMetrics metrics;
    private final long sizeMs;
    private final long graceMs;
    private final Counter windowsEmitted;
    private final Map<AlertType, Counter> alertsRaised = new EnumMap<>(AlertType.class);

    private ProcessorContext<String, Object> context;
    private WindowStore<String, DeviceWindow> windows;
    private WindowStore<String, DeviceAlert> alerts;
    private KeyValueStore<String, Long> emitted;
    private long emittedUpTo = Long.MIN_VALUE;

    DeviceWindowProcessor(IotProperties props, StreamworksMetrics metrics) {
        this.props = props;
        this.metrics = metrics;
        this.sizeMs = props.windowSize().toMillis();
        this.graceMs = props.grace().toMillis();
        this.windowsEmitted = Counter.builder("streamworks.iot.windows.emitted")
                .description("Statistics records written to the statistics topic (final mode: windows closed)")
                .tag("emit", props.emit().name().toLowerCase(Locale.ROOT)).register(metrics.registry());
        for (AlertType type : AlertType.values()) {
            alertsRaised.put(type, Counter.builder("streamworks.iot.alerts").description("Overheat alerts raised")
                    .tag("type", type.name()).register(metrics.registry()));
        }
    }

    /** The processor with its stores, for {@code KStream#process}. */
    public static ProcessorSupplier<String, Parsed<TelemetryReading>, String, Object> supplier(
            IotProperties props, StreamworksMetrics metrics) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, Parsed<TelemetryReading>, String, Object> get() {
                return new DeviceWindowProcessor(props, metrics);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return storeBuilders(props);
            }
        };
    }

    static Set<StoreBuilder<?>> storeBuilders(IotProperties props) {
        Duration retention = props.retention();
        StoreBuilder<WindowStore<String, DeviceWindow>> windowStore = Stores.windowStoreBuilder(
                Stores.persistentWindowStore(WINDOWS_STORE, retention, props.windowSize(), false),
                Serdes.String(), new DeviceWindowSerde()).withCachingEnabled();
        // several alerts per device, one entry each, kept for the alerts endpoint
        StoreBuilder<WindowStore<String, DeviceAlert>> alertStore = Stores.windowStoreBuilder(
                Stores.persistentWindowStore(ALERTS_STORE, retention, props.windowSize(), true),
                Serdes.String(), JsonSerde.of(DeviceAlert.class));
        if (props.emit() == IotProperties.Emit.UPDATE) {
            return Set.of(windowStore, alertStore);
        }
        StoreBuilder<KeyValueStore<String, Long>> emittedStore = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(EMITTED_STORE), Serdes.String(), Serdes.Long()).withCachingEnabled();
        return Set.of(windowStore, alertStore, emittedStore);
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.windows = context.getStateStore(WINDOWS_STORE);
        this.alerts = context.getStateStore(ALERTS_STORE);
        if (props.emit() == IotProperties.Emit.FINAL) {
            this.emitted = context.getStateStore(EMITTED_STORE);
            Long stored = emitted.get(EMITTED_KEY);
            this.emittedUpTo = stored != null ? stored : Long.MIN_VALUE;
        }
    }

    @Override
    public void process(Record<String, Parsed<TelemetryReading>> record) {
        TelemetryReading reading = record.value().value();
        long eventTime = reading.eventTime().toEpochMilli();
        long streamTime = context.currentStreamTimeMs();
        Window window = Window.tumbling(eventTime, props.windowSize());
        if (window.isClosed(props.grace(), streamTime)) {
            routeLate(record, window, streamTime);
            return;
        }
        String deviceId = reading.deviceId();
        DeviceWindow current = windows.fetch(deviceId, window.startMs());
        DeviceWindow.Update update = (current != null ? current : DeviceWindow.empty())
                .add(reading.temperature(), props.overheatThreshold());
        windows.put(deviceId, update.window(), window.startMs());
        if (update.alert() != null) {
            DeviceAlert alert = DeviceAlert.of(update.alert(), deviceId, window, update.window(),
                    props.overheatThreshold(), reading.eventTime());
            alerts.put(deviceId, alert, eventTime);
            alertsRaised.get(update.alert()).increment();
            context.forward(new Record<>(deviceId, alert, eventTime), ALERTS_SINK);
        }
        if (props.emit() == IotProperties.Emit.UPDATE) {
            forwardStats(deviceId, window, update.window());
        } else {
            emitClosedWindows(streamTime);
        }
    }

    private void routeLate(Record<String, Parsed<TelemetryReading>> record, Window window, long streamTime) {
        for (String output : List.of(props.topics().stats(), props.topics().alerts())) {
            context.forward(LateRecords.forOutput(record, output, window.endMs(), streamTime), LATE_SINK);
            metrics.late(output);
        }
    }

    /**
     * Emits, once, every window that stream time has closed since the last emission. Window ends
     * are multiples of the size, so the store is scanned at most once per window size of stream
     * time, not per reading.
     */
    private void emitClosedWindows(long streamTime) {
        long closedEnd = Math.floorDiv(streamTime - graceMs, sizeMs) * sizeMs;
        if (closedEnd <= emittedUpTo) {
            return;
        }
        long fromStart = emittedUpTo == Long.MIN_VALUE ? 0 : emittedUpTo - sizeMs + 1;
        long toStart = closedEnd - sizeMs;
        if (toStart >= fromStart) {
            try (KeyValueIterator<Windowed<String>, DeviceWindow> closed = windows.fetchAll(fromStart, toStart)) {
                while (closed.hasNext()) {
                    KeyValue<Windowed<String>, DeviceWindow> entry = closed.next();
                    long start = entry.key.window().start();
                    forwardStats(entry.key.key(), Window.ofMillis(start, start + sizeMs), entry.value);
                }
            }
        }
        emittedUpTo = closedEnd;
        emitted.put(EMITTED_KEY, closedEnd);
    }

    private void forwardStats(String deviceId, Window window, DeviceWindow figures) {
        context.forward(new Record<>(deviceId, DeviceStats.of(deviceId, window, figures), window.endMs()), STATS_SINK);
        windowsEmitted.increment();
    }
}
