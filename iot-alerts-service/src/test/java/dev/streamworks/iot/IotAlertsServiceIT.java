package dev.streamworks.iot;

import dev.streamworks.common.serde.JsonSerde;
import dev.streamworks.common.testing.KafkaBroker;
import dev.streamworks.common.testing.KafkaClients;
import dev.streamworks.common.testing.RunningService;
import dev.streamworks.iot.domain.AlertType;
import dev.streamworks.iot.domain.DeviceAlert;
import dev.streamworks.iot.domain.DeviceStats;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static dev.streamworks.common.testing.TestEvents.reading;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real application on a real broker, exactly-once, read through read_committed consumers.
 * The tests share one running service, each with its own devices and its own hour of event time,
 * later than the one before: stream time is per partition and only moves forward, so readings
 * of an earlier hour would rightly be late.
 */
@Tag("integration")
@Timeout(180)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IotAlertsServiceIT {

    private static final Instant W0 = Instant.parse("2025-12-09T13:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static Path stateDir;
    private static KafkaClients kafka;
    private static KafkaClients.Reader reader;
    private static RunningService service;

    @BeforeAll
    static void start() throws Exception {
        stateDir = Files.createTempDirectory("iot-it-state");
        kafka = new KafkaClients(KafkaBroker.shared().bootstrapServers());
        service = startService();
        reader = kafka.reader("device-stats-5m", "device-alerts", "iot-alerts.dlq", "iot-alerts.late");
    }

    private static RunningService startService() {
        return RunningService.startOnSharedBroker(IotAlertsServiceApplication.application(), stateDir,
                Map.of("streamworks.max-record-bytes", "4KB"));
    }

    @AfterAll
    static void stop() {
        if (reader != null) {
            reader.close();
        }
        if (service != null) {
            service.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static Instant hour = W0;

    /** Moves the test's event time to an hour of its own. */
    private static void nextHour(int n) {
        hour = W0.plus(Duration.ofHours(n));
    }

    private static Instant at(long minutes) {
        return hour.plus(Duration.ofMinutes(minutes));
    }

    private static <T> List<T> values(String topic, String device, Class<T> type) {
        return reader.polled(topic).stream().filter(record -> device.equals(record.key()))
                .map(record -> JsonSerde.of(type).deserializer().deserialize(topic,
                        record.value().getBytes(StandardCharsets.UTF_8)))
                .toList();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    @Order(1)
    void shouldTurnReadingsIntoFinalStatisticsAndAlerts() {
        nextHour(1);
        String device = unique("boiler");
        kafka.send("iot-telemetry", "any", reading(device, at(0), 70.0));
        kafka.send("iot-telemetry", "any", reading(device, at(1), 85.0));
        kafka.send("iot-telemetry", "any", reading(device, at(2), 91.0));
        kafka.send("iot-telemetry", "any", reading(device, at(15), 20.0));

        await().atMost(WAIT).untilAsserted(() -> assertThat(values("device-stats-5m", device, DeviceStats.class))
                .singleElement().satisfies(stats -> {
                    assertThat(stats.window().start()).isEqualTo(at(0));
                    assertThat(stats.numReadings()).isEqualTo(3);
                    assertThat(stats.maxTemp()).isEqualTo(91.0);
                }));
        // another topic: the reader may fetch its partition a poll later
        await().atMost(WAIT).untilAsserted(() -> assertThat(values("device-alerts", device, DeviceAlert.class))
                .extracting(DeviceAlert::alertId, DeviceAlert::alertType)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(device + "@" + at(0), AlertType.OVERHEAT),
                        org.assertj.core.groups.Tuple.tuple(device + "@" + at(0) + "#1",
                                AlertType.OVERHEAT_ESCALATED)));
    }

    @Test
    @Order(2)
    void shouldSendAPoisonRecordToTheDeadLetterTopicAndProcessEveryGoodRecordAroundIt() {
        nextHour(2);
        String device = unique("pump");
        // the good readings keyed by device as a producer would, so they keep their order; the
        // re-keying makes any key correct, but only one partition keeps readings in order
        kafka.send("iot-telemetry", device, reading(device, at(0), 10.0));
        kafka.send("iot-telemetry", "poison", "{\"device_id\":\"" + device + "\",\"temperature\":\"hot\"}");
        kafka.send("iot-telemetry", device, reading(device, at(1), 20.0));
        kafka.send("iot-telemetry", "huge", "{\"device_id\":\"" + device + "\",\"pad\":\"" + "x".repeat(5000) + "\"}");
        kafka.send("iot-telemetry", device, reading(device, at(2), 30.0));
        kafka.send("iot-telemetry", device, reading(device, at(20), 0.0));

        await().atMost(WAIT).untilAsserted(() -> assertThat(values("device-stats-5m", device, DeviceStats.class))
                .singleElement().extracting(DeviceStats::numReadings).isEqualTo(3L));
        // the bad records have their own keys, so maybe other partitions and stream threads: no order
        // between them, and either may be dead-lettered after the window's result
        await().atMost(WAIT).untilAsserted(() -> assertThat(reader.polled("iot-alerts.dlq").stream()
                .filter(record -> record.value().contains(device)))
                .extracting(ConsumerRecord::key).containsExactlyInAnyOrder("poison", "huge"));
        Map<String, ConsumerRecord<String, String>> dead = reader.polled("iot-alerts.dlq").stream()
                .filter(record -> record.value().contains(device))
                .collect(Collectors.toMap(ConsumerRecord::key, record -> record));
        assertThat(header(dead.get("poison"), "__streams.errors.message")).contains("'temperature' has the wrong type");
        assertThat(header(dead.get("poison"), "__streams.errors.topic")).isEqualTo("iot-telemetry");
        assertThat(header(dead.get("huge"), "__streams.errors.message")).contains("larger than the limit");
    }

    @Test
    @Order(3)
    void shouldRouteALateReadingToTheLateTopicUnchanged() {
        nextHour(3);
        String device = unique("fan");
        String late = reading(device, at(1), 99.0);
        kafka.send("iot-telemetry", "k", reading(device, at(0), 10.0));
        kafka.send("iot-telemetry", "k", reading(device, at(30), 10.0));
        kafka.send("iot-telemetry", "k", late);

        await().atMost(WAIT).untilAsserted(() -> assertThat(reader.polled("iot-alerts.late").stream()
                .filter(record -> record.value().contains(device)))
                .extracting(ConsumerRecord::value, record -> header(record, "x-late-reason"))
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(late, "device-stats-5m"),
                        org.assertj.core.groups.Tuple.tuple(late, "device-alerts")));
        // the late 99 °C reading was processed (it is in the late topic) and raised no alert
        HttpResponse<String> alerts = service.get("/api/devices/" + device + "/alerts");
        assertThat(alerts.statusCode()).isEqualTo(200);
        assertThat(alerts.body()).isEqualTo("[]");
    }

    @Test
    @Order(4)
    void shouldAnswerTheDeviceEndpoints() {
        nextHour(4);
        String device = unique("oven");
        kafka.send("iot-telemetry", "k", reading(device, at(0), 81.0));
        kafka.send("iot-telemetry", "k", reading(device, at(6), 40.0));

        await().atMost(WAIT).untilAsserted(() -> {
            HttpResponse<String> stats = service.get("/api/devices/" + device + "/stats");
            assertThat(stats.statusCode()).isEqualTo(200);
            JsonNode windows = JsonSerde.of(JsonNode.class).deserializer().deserialize("", stats.body().getBytes());
            assertThat(windows).hasSize(2);
            assertThat(windows.get(0).get("device_id").asString()).isEqualTo(device);
            assertThat(windows.get(0).get("max_temp").asDouble()).isEqualTo(81.0);
        });
        HttpResponse<String> ranged = service.get("/api/devices/" + device + "/stats?from=" + at(5) + "&to=" + at(5));
        assertThat(ranged.body()).contains("\"num_readings\":1").contains("\"start\":\"" + at(5) + "\"")
                .doesNotContain("\"start\":\"" + at(0) + "\"");
        assertThat(service.get("/api/devices/" + device + "/alerts").body())
                .contains("\"alert_id\":\"" + device + "@" + at(0) + "\"");

        HttpResponse<String> unknown = service.get("/api/devices/no-such-device/stats");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("no-such-device");
        assertThat(service.get("/api/devices/no-such-device/alerts").statusCode()).isEqualTo(404);
        assertThat(service.get("/api/devices/" + device + "/stats?from=" + at(60) + "&to=" + at(0))
                .statusCode()).isEqualTo(400);
        assertThat(service.get("/api/devices/" + device + "/stats?from=yesterday").statusCode()).isEqualTo(400);
    }

    @Test
    @Order(5)
    void shouldAnswerHealthPrometheusAndProgress() {
        assertThat(service.get("/actuator/health").body()).contains("\"kafkaStreams\"").contains("RUNNING");
        assertThat(service.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(service.get("/actuator/health/liveness").statusCode()).isEqualTo(200);

        HttpResponse<String> prometheus = service.get("/actuator/prometheus");
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).contains("streamworks_records_in_total", "streamworks_late_records_total",
                "streamworks_dlq_records_total", "streamworks_event_lateness_seconds_bucket",
                "kafka_stream_thread_process_total")
                .containsPattern("streamworks_watermark_seconds\\{[^}]*output=\"device-stats-5m\"")
                .containsPattern("streamworks_watermark_skew_seconds\\{[^}]*output=\"device-alerts\"")
                // Micrometer's logback counter is left out: its turbo filter runs on every log check
                .doesNotContain("logback_events_total")
                // caught up (a few records in): every task asks for the live interval's commits
                .containsPattern("(?m)^streamworks_commit_catching_up(\\{[^}]*})? 0\\.0$")
                .containsPattern("(?m)^streamworks_commit_paced_tasks(\\{[^}]*})? [1-9][0-9]*\\.0$");

        await().atMost(WAIT).untilAsserted(() -> {
            String body = service.get("/actuator/progress").body();
            assertThat(body).contains("\"numInputRows\"", "\"inputRowsPerSecond\"", "\"processedRowsPerSecond\"",
                    "\"consumerLag\"", "\"memoryUsedBytes\"", "\"numRowsTotal\"");
            JsonNode progress = JsonSerde.of(JsonNode.class).deserializer().deserialize("", body.getBytes());
            assertThat(progress.get("id").asString()).isEqualTo("iot-alerts");
            assertThat(progress.get("name").asString()).isEqualTo("iot-alerts-service");
            assertThat(progress.get("state").asString()).isEqualTo("RUNNING");
            assertThat(progress.get("eventTime").get("max").asString()).isNotBlank();
            assertThat(progress.get("eventTime").get("watermark").asString()).isNotBlank();
            assertThat(progress.get("dlqRows").asLong()).isGreaterThanOrEqualTo(2);
            assertThat(progress.get("lateRows").asLong()).isGreaterThanOrEqualTo(2);
            assertThat(progress.get("warnings").isArray()).isTrue();
            assertThat(progress.get("stateOperators")).extracting(node -> node.get("operatorName").asString())
                    .contains(IotTopology.windowsStore());
            assertThat(progress.get("eventTime").get("watermarks").get("device-stats-5m").asString()).isNotBlank();
        });
    }

    @Test
    @Order(6)
    void shouldCloseWindowsThatWereOpenBeforeARestart() {
        nextHour(6);
        String device = unique("kiln");
        kafka.send("iot-telemetry", "k", reading(device, at(0), 50.0));
        kafka.send("iot-telemetry", "k", reading(device, at(1), 60.0));
        await().atMost(WAIT).until(() -> service.get("/api/devices/" + device + "/stats").statusCode() == 200);

        service.close();
        service = startService();
        kafka.send("iot-telemetry", "k", reading(device, at(2), 70.0));
        kafka.send("iot-telemetry", "k", reading(device, at(15), 10.0));

        await().atMost(WAIT).untilAsserted(() -> assertThat(values("device-stats-5m", device, DeviceStats.class))
                .singleElement().satisfies(stats -> {
                    assertThat(stats.numReadings()).isEqualTo(3);
                    assertThat(stats.avgTemp()).isEqualTo(60.0);
                }));
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
