package dev.streamworks.iot;

import dev.streamworks.common.event.TelemetryReading;
import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.serde.EventSerde;
import dev.streamworks.common.serde.JsonSerde;
import dev.streamworks.common.serde.Parsed;
import dev.streamworks.common.serde.RepartitionSerde;
import dev.streamworks.common.streams.EventTimeExtractor;
import dev.streamworks.iot.domain.DeviceAlert;
import dev.streamworks.iot.domain.DeviceStats;
import dev.streamworks.iot.processor.DeviceWindowProcessor;
import dev.streamworks.iot.processor.ReadingCodec;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * IoT overheat alerts (CONTRACTS.md section 3), the course's device pipeline:
 * <pre>
 * iot-telemetry (key untrusted) -> validate, event time = event_timestamp -> re-key by device_id
 *   -> per device and tumbling window: statistics + overheat alerts (RocksDB window store)
 *   -> device-stats-5m (final or update), device-alerts (per reading), iot-alerts.late
 * </pre>
 * Bad readings never get past the source: they fail validation in the serde and go to the
 * dead-letter topic. Repartitioning carries the readings' original bytes, so a late reading
 * reaches the late topic exactly as it was sent, and the parsed reading in binary
 * ({@link RepartitionSerde}), so the device task does not parse the JSON a second time.
 */
public final class IotTopology {

    public static final String SOURCE = "telemetry-source";
    public static final String KEY_BY_DEVICE = "key-by-device";
    public static final String READINGS_BY_DEVICE = "readings-by-device";
    public static final String DEVICE_WINDOWS = "device-windows";

    private final IotProperties props;
    private final EventSerde<TelemetryReading> readings;
    private final StreamworksMetrics metrics;
    private final String lateTopic;

    public IotTopology(IotProperties props, EventSerde<TelemetryReading> readings, StreamworksMetrics metrics,
                       String lateTopic) {
        this.props = props;
        this.readings = readings;
        this.metrics = metrics;
        this.lateTopic = lateTopic;
    }

    public void addTo(StreamsBuilder builder) {
        String input = props.topics().telemetry();
        KStream<String, Object> outputs = builder
                .stream(input, Consumed.with(Serdes.String(), readings)
                        .withTimestampExtractor(new EventTimeExtractor()).withName(SOURCE))
                .peek((key, reading) -> metrics.recordIn(input, reading.value().eventTime().toEpochMilli()),
                        Named.as("count-readings"))
                .selectKey((key, reading) -> reading.value().deviceId(), Named.as(KEY_BY_DEVICE))
                .repartition(Repartitioned.with(Serdes.String(), RepartitionSerde.of(readings, new ReadingCodec()))
                        .withName(READINGS_BY_DEVICE))
                .process(DeviceWindowProcessor.supplier(props, metrics), Named.as(DEVICE_WINDOWS));
        // the processor forwards each record to the sink it belongs to, by name
        outputs.to(props.topics().stats(), Produced.with(Serdes.String(), erased(JsonSerde.of(DeviceStats.class)))
                .withName(DeviceWindowProcessor.STATS_SINK));
        outputs.to(props.topics().alerts(), Produced.with(Serdes.String(), erased(JsonSerde.of(DeviceAlert.class)))
                .withName(DeviceWindowProcessor.ALERTS_SINK));
        outputs.to(lateTopic, Produced.with(Serdes.String(), erased(Serdes.ByteArray()))
                .withName(DeviceWindowProcessor.LATE_SINK));
    }

    @SuppressWarnings("unchecked")
    private static <T> Serde<Object> erased(Serde<T> serde) {
        return (Serde<Object>) (Serde<?>) serde;
    }
}
