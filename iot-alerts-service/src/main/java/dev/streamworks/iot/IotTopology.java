package dev.streamworks.iot;

import dev.streamworks.common.event.TelemetryReading;
import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.serde.EventSerde;
import dev.streamworks.common.serde.JsonSerde;
import dev.streamworks.common.serde.Parsed;
import dev.streamworks.common.serde.RepartitionSerde;
import dev.streamworks.common.streams.EventTimeExtractor;
import dev.streamworks.common.time.Clock;
import dev.streamworks.common.time.EventTime;
import dev.streamworks.common.time.Stage;
import dev.streamworks.common.time.WindowAggregation;
import dev.streamworks.common.time.Windows;
import dev.streamworks.iot.domain.AlertType;
import dev.streamworks.iot.domain.DeviceAlert;
import dev.streamworks.iot.domain.DeviceStats;
import dev.streamworks.iot.domain.DeviceWindow;
import dev.streamworks.iot.processor.DeviceWindowSerde;
import dev.streamworks.iot.processor.ReadingCodec;
import io.micrometer.core.instrument.Counter;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * IoT overheat alerts (docs/topics.md, iot-alerts-service), the course's device pipeline:
 * <pre>
 * iot-telemetry (key untrusted) -> validate, event time = event_timestamp -> re-key by device_id
 *   -> per device and tumbling window (the generic window operator): statistics + overheat alerts
 *   -> device-stats-5m (final or update), device-alerts (per reading), iot-alerts.late (twice)
 * </pre>
 * Bad readings never get past the source: they fail validation in the serde and go to the
 * dead-letter topic. The repartition by device carries each reading's original bytes and its
 * event-time stamp (the stream time of its input partition when read: the lateness decision), and
 * the heartbeats that let every device task know the watermark of every input partition
 * ({@link EventTime}); a reading whose device's repartition partition is the one it was read from
 * skips the topic and goes to the device task directly, in the same task, with the same stamp (the
 * local hop: telemetry keyed by device, as it is in practice, makes nearly every reading one), so
 * the telemetry source and the device windows form one sub-topology. Alerts are decided per reading, in arrival order, from the window's figures
 * right after it (never coalesced by a cache) and kept in the window, so the REST endpoint and a
 * restart see them.
 */
public final class IotTopology {

    public static final String SOURCE = "telemetry-source";
    public static final String READINGS_BY_DEVICE = "readings-by-device";
    public static final String DEVICE_CLOCK = "device-watermarks";
    public static final String DEVICE_WINDOWS = "device-stats";
    public static final String STATS_SINK = "device-stats-sink";
    public static final String ALERTS_SINK = "device-alerts-sink";
    public static final String LATE_SINK = "device-late-sink";
    /** Stage ids of this topology's event-time channels. */
    static final int TELEMETRY_STAGE = 0;

    private final IotProperties props;
    private final EventSerde<TelemetryReading> readings;
    private final StreamworksMetrics metrics;
    private final EventTime eventTime;
    private final String lateTopic;
    private final Map<AlertType, Counter> alertsRaised = new EnumMap<>(AlertType.class);
    private final Counter windowsEmitted;

    public IotTopology(IotProperties props, EventSerde<TelemetryReading> readings, StreamworksMetrics metrics,
                       EventTime eventTime, String lateTopic) {
        this.props = props;
        this.readings = readings;
        this.metrics = metrics;
        this.eventTime = eventTime;
        this.lateTopic = lateTopic;
        for (AlertType type : AlertType.values()) {
            alertsRaised.put(type, Counter.builder("streamworks.iot.alerts").description("Overheat alerts raised")
                    .tag("type", type.name()).register(metrics.registry()));
        }
        this.windowsEmitted = Counter.builder("streamworks.iot.windows.emitted")
                .description("Statistics records written to the statistics topic (final mode: windows closed)")
                .tag("emit", props.emit().name().toLowerCase(Locale.ROOT)).register(metrics.registry());
    }

    /** The store of the device windows (statistics and alerts), queryable over REST. */
    public static String windowsStore() {
        return DEVICE_WINDOWS + "-store";
    }

    public void addTo(StreamsBuilder builder) {
        String input = props.topics().telemetry();
        // producers key telemetry by device in practice (the key is not trusted): a reading whose device
        // hashes to the partition it was read from skips the repartition topic (EventTime#send)
        Stage telemetry = Stage.input(TELEMETRY_STAGE, input).withLocalHop();
        KStream<String, Parsed<TelemetryReading>> source = builder
                .stream(input, Consumed.with(Serdes.String(), readings)
                        .withTimestampExtractor(new EventTimeExtractor()).withName(SOURCE))
                .peek((key, reading) -> metrics.recordIn(input, reading.value().eventTime().toEpochMilli()),
                        Named.as("count-readings"));
        KStream<String, Parsed<TelemetryReading>> byDevice = eventTime.receive(
                eventTime.sendKeyedBy(source, telemetry, (key, reading) -> reading.value().deviceId(),
                        RepartitionSerde.of(readings, new ReadingCodec()), READINGS_BY_DEVICE),
                DEVICE_CLOCK, telemetry);
        eventTime.bind(Clock.of(DEVICE_CLOCK), props.topics().stats(), props.topics().alerts());
        KStream<String, Object> outputs = byDevice.process(windows(), Named.as(DEVICE_WINDOWS));
        // the operator forwards each record to the sink it belongs to, by name
        outputs.to(props.topics().stats(), Produced.with(Serdes.String(), erased(JsonSerde.of(DeviceStats.class)))
                .withName(STATS_SINK));
        outputs.to(props.topics().alerts(), Produced.with(Serdes.String(), erased(JsonSerde.of(DeviceAlert.class)))
                .withName(ALERTS_SINK));
        outputs.to(lateTopic, Produced.with(Serdes.String(), erased(Serdes.ByteArray())).withName(LATE_SINK));
    }

    private WindowAggregation<TelemetryReading, DeviceWindow> windows() {
        double threshold = props.overheatThreshold();
        return WindowAggregation.<TelemetryReading, DeviceWindow>named(DEVICE_WINDOWS)
                .windows(Windows.tumbling(props.windowSize(), props.grace()), props.retention())
                .aggregate(DeviceWindow::empty,
                        (device, reading, window, first) -> window.add(reading.temperature(), threshold,
                                reading.eventTime()).window(),
                        new DeviceWindowSerde())
                .emit(props.emit() == IotProperties.Emit.FINAL ? WindowAggregation.Emit.FINAL
                        : WindowAggregation.Emit.UPDATE, STATS_SINK, (device, window, figures) -> {
                            windowsEmitted.increment();
                            return DeviceStats.of(device, window, figures);
                        })
                .onUpdate((device, window, before, after, reading, emitter) -> {
                    if (after.alerts().size() > before.alerts().size()) {
                        DeviceAlert alert = after.lastAlert(device, window, threshold);
                        alertsRaised.get(alert.alertType()).increment();
                        emitter.emit(ALERTS_SINK, device, alert, reading.eventTime().toEpochMilli());
                    }
                })
                .late(LATE_SINK, props.topics().stats(), props.topics().alerts())
                .build(eventTime, Clock.of(DEVICE_CLOCK), metrics);
    }

    @SuppressWarnings("unchecked")
    private static <T> Serde<Object> erased(Serde<T> serde) {
        return (Serde<Object>) (Serde<?>) serde;
    }
}
