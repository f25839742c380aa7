package dev.streamworks.iot;

import dev.streamworks.common.config.StreamworksProperties;
import dev.streamworks.common.event.TelemetryReading;
import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.serde.EventSerde;
import dev.streamworks.common.serde.JsonSerde;
import dev.streamworks.common.streams.LateRecords;
import dev.streamworks.common.streams.Window;
import dev.streamworks.common.testing.TestEventTime;
import dev.streamworks.common.testing.TestTimes;
import dev.streamworks.common.testing.TopologyDriver;
import dev.streamworks.common.time.EventTime;
import dev.streamworks.common.time.EventTimeSettings;
import dev.streamworks.common.time.LagProbe;
import dev.streamworks.iot.domain.AlertType;
import dev.streamworks.iot.domain.DeviceAlert;
import dev.streamworks.iot.domain.DeviceStats;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.streamworks.common.testing.TestEvents.reading;
import static dev.streamworks.common.testing.TestTimes.T0;
import static dev.streamworks.common.testing.TestTimes.minutes;
import static org.assertj.core.api.Assertions.assertThat;

/** The production topology, driven record by record with fixed event times. */
class IotTopologyTest {

    private static final String LATE_TOPIC = "iot-alerts.late";
    private static final String DLQ_TOPIC = "iot-alerts.dlq";
    private static final Window FIRST_WINDOW = new Window(T0, minutes(5));

    @TempDir
    Path stateDir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StreamworksMetrics metrics = new StreamworksMetrics(registry, TestTimes.CLOCK);
    private TopologyTestDriver driver;
    private TestInputTopic<String, String> telemetry;
    private TestOutputTopic<String, String> stats;
    private TestOutputTopic<String, String> alerts;
    private TestOutputTopic<String, String> late;
    private TestOutputTopic<String, String> dlq;

    private void start(IotProperties.Emit emit) {
        start(emit, TestEventTime.onePartition("iot-telemetry"));
    }

    private void start(IotProperties.Emit emit, EventTime eventTime) {
        IotProperties defaults = IotProperties.defaults();
        IotProperties props = new IotProperties(defaults.topics(), defaults.windowSize(), defaults.grace(), emit,
                defaults.overheatThreshold(), defaults.retention());
        StreamworksProperties common = StreamworksProperties.defaults();
        EventSerde<TelemetryReading> serde = new EventSerde<>(TelemetryReading.class, common.maxRecordBytesInt(),
                common.maxFutureSkew(), TestTimes.CLOCK);
        driver = TopologyDriver.drive(TopologyDriver.settings("iot-alerts", common, metrics, stateDir),
                builder -> new IotTopology(props, serde, metrics, eventTime, LATE_TOPIC).addTo(builder));
        telemetry = driver.createInputTopic("iot-telemetry", new StringSerializer(), new StringSerializer());
        stats = driver.createOutputTopic("device-stats-5m", new StringDeserializer(), new StringDeserializer());
        alerts = driver.createOutputTopic("device-alerts", new StringDeserializer(), new StringDeserializer());
        late = driver.createOutputTopic(LATE_TOPIC, new StringDeserializer(), new StringDeserializer());
        dlq = driver.createOutputTopic(DLQ_TOPIC, new StringDeserializer(), new StringDeserializer());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    /** Sends a reading; the Kafka timestamp is deliberately not the event time. */
    private void send(String device, Instant at, double temperature) {
        telemetry.pipeInput("untrusted-key", reading(device, at, temperature), T0.minus(Duration.ofDays(30)));
    }

    private List<DeviceStats> statsOut() {
        return stats.readValuesToList().stream().map(json -> read(json, DeviceStats.class)).toList();
    }

    /**
     * What a consumer of update-mode statistics keeps: the last record of each device-window (one
     * record per device-window per commit, with its latest figures), in order of first appearance.
     */
    private List<DeviceStats> lastStatsPerWindow() {
        Map<List<Object>, DeviceStats> last = new LinkedHashMap<>();
        statsOut().forEach(stats -> last.put(List.of(stats.deviceId(), stats.window()), stats));
        return List.copyOf(last.values());
    }

    private List<DeviceAlert> alertsOut() {
        return alerts.readValuesToList().stream().map(json -> read(json, DeviceAlert.class)).toList();
    }

    private static <T> T read(String json, Class<T> type) {
        return JsonSerde.of(type).deserializer().deserialize("test", json.getBytes(StandardCharsets.UTF_8));
    }

    private static String header(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Nested
    @DisplayName("in final mode (the default)")
    class FinalMode {

        @Test
        void shouldEmitEachWindowExactlyOnceWhenStreamTimeClosesIt() {
            start(IotProperties.Emit.FINAL);

            send("d-1", minutes(0), 20.0);
            send("d-1", minutes(2), 30.0);
            send("d-1", seconds(299), 10.0);
            send("d-2", minutes(14), 25.0);
            assertThat(stats.isEmpty()).as("window still open until 13:15").isTrue();

            send("d-2", minutes(15), 25.0);
            send("d-2", minutes(16), 25.0);

            TestRecord<String, String> record = stats.readRecord();
            assertThat(record.key()).isEqualTo("d-1");
            assertThat(record.getRecordTime()).as("output time is the window end").isEqualTo(minutes(5));
            assertThat(read(record.value(), DeviceStats.class))
                    .isEqualTo(new DeviceStats(FIRST_WINDOW, "d-1", 20.0, 30.0, 10.0, 3));
            assertThat(stats.isEmpty()).isTrue();
            assertThat(registry.get("streamworks.iot.windows.emitted").counter().count()).isEqualTo(1.0);
        }

        @Test
        void shouldPutAReadingAtAWindowsEndIntoTheNextWindow() {
            start(IotProperties.Emit.FINAL);

            send("d-1", seconds(299), 10.0);
            send("d-1", minutes(5), 50.0);
            send("d-1", minutes(30), 0.0);

            assertThat(statsOut()).containsExactly(
                    new DeviceStats(FIRST_WINDOW, "d-1", 10.0, 10.0, 10.0, 1),
                    new DeviceStats(new Window(minutes(5), minutes(10)), "d-1", 50.0, 50.0, 50.0, 1));
        }

        @Test
        void shouldEmitEveryDevicesWindowOnce() {
            start(IotProperties.Emit.FINAL);

            send("d-1", minutes(1), 10.0);
            send("d-2", minutes(2), 20.0);
            send("d-3", minutes(7), 30.0);
            send("d-3", minutes(40), 30.0);
            send("d-3", minutes(41), 30.0);

            assertThat(statsOut()).extracting(DeviceStats::deviceId, s -> s.window().start())
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple("d-1", minutes(0)),
                            org.assertj.core.groups.Tuple.tuple("d-2", minutes(0)),
                            org.assertj.core.groups.Tuple.tuple("d-3", minutes(5)));
        }

        private static Instant seconds(long seconds) {
            return TestTimes.seconds(seconds);
        }
    }

    @Nested
    @DisplayName("a quiet stream")
    class QuietStream {

        @Test
        void shouldKeepTheLastWindowsOpenWithoutNewDataByDefault() {
            start(IotProperties.Emit.FINAL);
            send("d-1", minutes(1), 20.0);

            driver.advanceWallClockTime(Duration.ofMinutes(30));

            assertThat(stats.isEmpty()).as("no record has moved the watermark past 13:15").isTrue();
        }

        @Test
        void shouldCloseTheLastWindowsByTheWallClockWithIdleClose() {
            start(IotProperties.Emit.FINAL, new EventTime(EventTimeSettings.of(Duration.ofSeconds(30), true),
                    topic -> 1, LagProbe.NONE, List.of("iot-telemetry"), null));
            send("d-1", minutes(1), 20.0);

            // idle after 30 s, then the watermark runs with the wall clock from 13:01
            driver.advanceWallClockTime(Duration.ofSeconds(31));
            driver.advanceWallClockTime(Duration.ofMinutes(13));
            assertThat(stats.isEmpty()).as("13:01 + 13 min 31 s is before 13:15").isTrue();
            driver.advanceWallClockTime(Duration.ofMinutes(1));
            // the heartbeat that moved the watermark reaches the window task after this punctuation;
            // the window task's next check (every 100 ms) closes the window
            driver.advanceWallClockTime(Duration.ofMillis(100));

            assertThat(statsOut()).containsExactly(new DeviceStats(FIRST_WINDOW, "d-1", 20.0, 20.0, 20.0, 1));
        }
    }

    @Nested
    @DisplayName("in update mode")
    class UpdateMode {

        @Test
        void shouldEmitTheLatestFiguresOfTheWindow() {
            start(IotProperties.Emit.UPDATE);

            send("d-1", minutes(0), 20.0);
            send("d-1", minutes(1), 40.0);
            send("d-1", minutes(2), 30.0);

            assertThat(lastStatsPerWindow()).containsExactly(new DeviceStats(FIRST_WINDOW, "d-1", 30.0, 40.0, 20.0, 3));
        }
    }

    @Test
    void shouldAlertAtTheFirstCrossingAndEscalateEachTimeTheMaximumRises() {
        start(IotProperties.Emit.FINAL);

        send("d-1", minutes(0), 70.0);
        send("d-1", minutes(1), 85.0);
        send("d-1", minutes(2), 83.0);
        send("d-1", minutes(3), 90.0);
        send("d-1", minutes(4), 95.5);
        send("d-1", minutes(4), 95.5);
        send("d-1", minutes(6), 81.0);

        List<DeviceAlert> raised = alertsOut();
        assertThat(raised).extracting(DeviceAlert::alertId, DeviceAlert::alertType, DeviceAlert::maxTemp)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("d-1@2025-12-09T13:00:00Z", AlertType.OVERHEAT, 85.0),
                        org.assertj.core.groups.Tuple.tuple("d-1@2025-12-09T13:00:00Z#1", AlertType.OVERHEAT_ESCALATED, 90.0),
                        org.assertj.core.groups.Tuple.tuple("d-1@2025-12-09T13:00:00Z#2", AlertType.OVERHEAT_ESCALATED, 95.5),
                        org.assertj.core.groups.Tuple.tuple("d-1@2025-12-09T13:05:00Z", AlertType.OVERHEAT, 81.0));
        assertThat(registry.get("streamworks.iot.alerts").tag("type", "OVERHEAT_ESCALATED").counter().count())
                .isEqualTo(2.0);
        assertThat(raised.get(0)).isEqualTo(new DeviceAlert("d-1@2025-12-09T13:00:00Z", AlertType.OVERHEAT, "d-1",
                FIRST_WINDOW, 85.0, 77.5, 2, 80.0, minutes(1)));
    }

    @Test
    void shouldWriteTheContractsFieldNames() {
        start(IotProperties.Emit.UPDATE);

        send("d-1", minutes(1), 85.0);

        assertThat(stats.readValue()).isEqualTo("{\"window\":{\"start\":\"2025-12-09T13:00:00Z\","
                + "\"end\":\"2025-12-09T13:05:00Z\"},\"device_id\":\"d-1\",\"avg_temp\":85.0,\"max_temp\":85.0,"
                + "\"min_temp\":85.0,\"num_readings\":1}");
        assertThat(alerts.readValue()).isEqualTo("{\"alert_id\":\"d-1@2025-12-09T13:00:00Z\","
                + "\"alert_type\":\"OVERHEAT\",\"device_id\":\"d-1\",\"window\":{\"start\":\"2025-12-09T13:00:00Z\","
                + "\"end\":\"2025-12-09T13:05:00Z\"},\"max_temp\":85.0,\"avg_temp\":85.0,\"num_readings\":1,"
                + "\"threshold\":80.0,\"event_timestamp\":\"2025-12-09T13:01:00Z\"}");
    }

    @Nested
    @DisplayName("late readings")
    class Late {

        @Test
        void shouldRouteAReadingArrivingWhenWindowEndPlusGraceEqualsStreamTime() {
            start(IotProperties.Emit.FINAL);
            String tooLate = reading("d-1", minutes(4), 99.0);

            send("d-2", minutes(15), 20.0);
            telemetry.pipeInput("k", tooLate);

            List<TestRecord<String, String>> routed = late.readRecordsToList();
            assertThat(routed).hasSize(2).allSatisfy(record -> {
                assertThat(record.value()).as("sent unchanged").isEqualTo(tooLate);
                assertThat(header(record.headers(), LateRecords.WINDOW_END_HEADER)).isEqualTo("2025-12-09T13:05:00Z");
                assertThat(header(record.headers(), LateRecords.STREAM_TIME_HEADER)).isEqualTo("2025-12-09T13:15:00Z");
            });
            assertThat(routed).extracting(record -> header(record.headers(), LateRecords.REASON_HEADER))
                    .containsExactly("device-stats-5m", "device-alerts");
            assertThat(alerts.isEmpty()).as("a late reading raises no alert").isTrue();
            assertThat(registry.get("streamworks.late.records").tag("output", "device-stats-5m").counter().count())
                    .isEqualTo(1.0);
        }

        @Test
        void shouldCountAReadingOneMillisecondBeforeTheWindowCloses() {
            start(IotProperties.Emit.FINAL);

            send("d-2", minutes(15).minusMillis(1), 20.0);
            send("d-1", minutes(4), 99.0);
            send("d-2", minutes(16), 20.0);

            assertThat(late.isEmpty()).isTrue();
            assertThat(alertsOut()).extracting(DeviceAlert::deviceId).containsExactly("d-1");
            assertThat(statsOut()).extracting(DeviceStats::deviceId).containsExactly("d-1");
        }

        @Test
        void shouldNotCountALateReadingInItsWindow() {
            start(IotProperties.Emit.UPDATE);

            send("d-1", minutes(1), 20.0);
            send("d-1", minutes(30), 20.0);
            send("d-1", minutes(2), 90.0);

            assertThat(lastStatsPerWindow()).extracting(DeviceStats::numReadings).containsExactly(1L, 1L);
            assertThat(late.readRecordsToList()).hasSize(2);
        }
    }

    @Test
    void shouldSendBadReadingsToTheDeadLetterTopicAndProcessTheGoodOnesAroundThem() {
        start(IotProperties.Emit.UPDATE);

        send("d-1", minutes(1), 20.0);
        telemetry.pipeInput("bad-key", "{\"device_id\":\"d-1\",\"event_timestamp\":\"soon\",\"temperature\":1}");
        telemetry.pipeInput("k", "not json at all");
        send("d-1", minutes(2), 30.0);

        assertThat(lastStatsPerWindow()).extracting(DeviceStats::numReadings).containsExactly(2L);
        List<TestRecord<String, String>> dead = dlq.readRecordsToList();
        assertThat(dead).extracting(TestRecord::value)
                .containsExactly("{\"device_id\":\"d-1\",\"event_timestamp\":\"soon\",\"temperature\":1}", "not json at all");
        assertThat(dead.get(0).key()).isEqualTo("bad-key");
        assertThat(header(dead.get(0).headers(), "__streams.errors.message")).contains("unparseable timestamp 'soon'");
        assertThat(header(dead.get(0).headers(), "__streams.errors.topic")).isEqualTo("iot-telemetry");
        assertThat(header(dead.get(0).headers(), "__streams.errors.offset")).isEqualTo("1");
        assertThat(header(dead.get(1).headers(), "__streams.errors.exception"))
                .isEqualTo("dev.streamworks.common.event.InvalidEventException");
        assertThat(registry.get("streamworks.dlq.records").tag("stage", "deserialization").counter().count())
                .isEqualTo(2.0);
    }

    @Test
    void shouldNameEveryStoreTopicAndNode() {
        start(IotProperties.Emit.FINAL);
        IotProperties props = IotProperties.defaults();
        StreamworksProperties common = StreamworksProperties.defaults();
        var builder = TopologyDriver.builder(TopologyDriver.settings("iot-alerts", common, metrics, stateDir));
        new IotTopology(props, new EventSerde<>(TelemetryReading.class, 1024, Duration.ofHours(1), TestTimes.CLOCK),
                metrics, TestEventTime.onePartition("iot-telemetry"), LATE_TOPIC).addTo(builder);

        String description = builder.build().describe().toString();

        assertThat(description).contains(IotTopology.windowsStore(), "readings-by-device-repartition",
                IotTopology.SOURCE, IotTopology.DEVICE_CLOCK, IotTopology.DEVICE_WINDOWS, IotTopology.STATS_SINK,
                IotTopology.ALERTS_SINK, IotTopology.LATE_SINK,
                EventTime.partitionTimeStore(IotTopology.READINGS_BY_DEVICE));
        assertThat(description).doesNotContain("KSTREAM-", "STATE-STORE-");
    }

    @Test
    @DisplayName("telemetry source, repartition source and device windows in one sub-topology (the local hop)")
    void shouldReadTelemetryAndItsRepartitionTopicInOneTask() {
        IotProperties props = IotProperties.defaults();
        StreamworksProperties common = StreamworksProperties.defaults();
        var builder = TopologyDriver.builder(TopologyDriver.settings("iot-alerts", common, metrics, stateDir));
        new IotTopology(props, new EventSerde<>(TelemetryReading.class, 1024, Duration.ofHours(1), TestTimes.CLOCK),
                metrics, TestEventTime.partitions(6, "iot-telemetry"), LATE_TOPIC).addTo(builder);

        var subtopologies = builder.build().describe().subtopologies();

        assertThat(subtopologies).singleElement().satisfies(subtopology -> assertThat(subtopology.nodes())
                .extracting(TopologyDescription.Node::name)
                .contains(IotTopology.SOURCE, IotTopology.READINGS_BY_DEVICE + "-repartition-source",
                        IotTopology.READINGS_BY_DEVICE + "-local", IotTopology.DEVICE_CLOCK, IotTopology.DEVICE_WINDOWS));
    }
}
