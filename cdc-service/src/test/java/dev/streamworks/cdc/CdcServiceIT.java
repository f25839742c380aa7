package dev.streamworks.cdc;

import dev.streamworks.common.serde.Json;
import dev.streamworks.common.testing.KafkaBroker;
import dev.streamworks.common.testing.KafkaClients;
import dev.streamworks.common.testing.RunningService;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import tools.jackson.core.type.TypeReference;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.streamworks.cdc.Changes.delete;
import static dev.streamworks.cdc.Changes.insert;
import static dev.streamworks.cdc.Changes.snapshotRead;
import static dev.streamworks.cdc.Changes.update;
import static dev.streamworks.cdc.Changes.user;
import static dev.streamworks.cdc.Changes.userKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real application on a real broker, exactly-once, read through read_committed consumers:
 * a snapshot, then streamed changes with replays, duplicates, a straggler, a tombstone and a bad
 * record, must leave {@code cdc.users} equal to the source table and {@code cdc.users.changes}
 * equal to its history; a restart followed by a full replay changes nothing.
 */
@Tag("integration")
@Timeout(240)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CdcServiceIT {

    private static final String SOURCE = "mysql.prod.users";
    private static final Instant AT = Instant.parse("2025-12-09T13:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** A change without a commit time: bad input. */
    private static final String BAD = "{\"op\":\"c\",\"after\":{\"user_id\":5}}";
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private static Path stateDir;
    private static KafkaClients kafka;
    private static KafkaClients.Reader reader;
    private static RunningService service;

    /** The source's history: every change sent, replays included, in order. */
    private static final List<ProducerRecord<String, String>> SENT = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        stateDir = Files.createTempDirectory("cdc-it-state");
        kafka = new KafkaClients(KafkaBroker.shared().bootstrapServers());
        service = startService();
        reader = kafka.reader("cdc.users", "cdc.users.changes", "cdc.dlq");
    }

    private static RunningService startService() {
        return RunningService.startOnSharedBroker(CdcServiceApplication.application(), stateDir, Map.of());
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

    private static Instant at(int minutes) {
        return AT.plus(Duration.ofMinutes(minutes));
    }

    private static void send(int userId, String change) {
        send(userKey(userId), change);
    }

    private static void send(String key, String change) {
        ProducerRecord<String, String> record = new ProducerRecord<>(SOURCE, key, change);
        SENT.add(record);
        kafka.send(record);
    }

    private static Map<String, Object> json(String text) {
        return Json.mapper().readValue(text.getBytes(StandardCharsets.UTF_8), MAP);
    }

    /** The compacted topic as a table: the last value per key, a tombstone removing the key. */
    private static Map<String, Map<String, Object>> table() {
        Map<String, Map<String, Object>> table = new HashMap<>();
        for (ConsumerRecord<String, String> record : reader.polled("cdc.users")) {
            if (record.value() == null) {
                table.remove(record.key());
            } else {
                table.put(record.key(), json(record.value()));
            }
        }
        return table;
    }

    /** The change feed per key, as "change_type segment" lines in order. */
    private static Map<String, List<String>> history() {
        Map<String, List<String>> history = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> record : reader.polled("cdc.users.changes")) {
            Map<String, Object> value = json(record.value());
            history.computeIfAbsent(record.key(), key -> new ArrayList<>())
                    .add(value.get("_change_type") + " " + value.get("user_segment"));
        }
        return history;
    }

    private static Map<String, Object> stats() {
        HttpResponse<String> response = service.get("/api/tables/users/stats");
        assertThat(response.statusCode()).isEqualTo(200);
        return json(response.body());
    }

    @Test
    @Order(1)
    void shouldMaterializeTheTableAndItsHistoryThroughReplaysAndStragglers() {
        // the snapshot: every read at the snapshot's one binlog position
        send(1, snapshotRead(user(1, "Ann", "new"), 154, at(0)));
        send(2, snapshotRead(user(2, "Bob", "new"), 154, at(0)));
        // a key struct inside the schema/payload envelope
        send("{\"schema\":{\"type\":\"struct\",\"fields\":[{\"field\":\"user_id\",\"type\":\"int32\"}]},"
                + "\"payload\":{\"user_id\":3}}", snapshotRead(user(3, "Cy", "regular"), 154, at(0)));
        // the two forms of key 3 land in different input partitions, which stream threads read in
        // parallel: the snapshot is applied before the changes that follow it, as Debezium's are
        await().atMost(WAIT).untilAsserted(() -> assertThat(stats()).containsEntry("rows", 3).containsEntry("applied", 3));
        // streaming
        send(4, insert(user(4, "Di", "new"), 200, at(1)));
        send(1, update(null, user(1, "Ann", "vip"), 300, at(2)));
        send(1, snapshotRead(user(1, "Ann", "new"), 154, at(0)));
        send(3, update(user(3, "Cy", "regular"), user(3, "Cy", "vip"), 400, at(3)));
        send(2, delete(userKey(2), 500, at(4)));
        send(userKey(2), null);
        send(5, BAD);
        // a connector restart replays from an older offset
        send(4, insert(user(4, "Di", "new"), 200, at(1)));
        send(1, update(null, user(1, "Ann", "vip"), 300, at(2)));
        send(4, update(null, user(4, "Di", "regular"), 600, at(5)));
        // a straggler older than what key 3 has
        send(3, update(null, user(3, "Cy", "new"), 350, at(2)));

        await().atMost(WAIT).untilAsserted(() -> assertThat(stats())
                .containsEntry("rows", 3).containsEntry("applied", 8).containsEntry("skipped", 4));
        await().atMost(WAIT).untilAsserted(() -> assertThat(table()).isEqualTo(Map.of(
                "1", json(user(1, "Ann", "vip")),
                "3", json(user(3, "Cy", "vip")),
                "4", json(user(4, "Di", "regular")))));
        assertThat(history()).isEqualTo(Map.of(
                "1", List.of("insert new", "update_preimage new", "update_postimage vip"),
                "2", List.of("insert new", "delete new"),
                "3", List.of("insert regular", "update_preimage regular", "update_postimage vip"),
                "4", List.of("insert new", "update_preimage new", "update_postimage regular")));
        await().atMost(WAIT).untilAsserted(() -> assertThat(reader.polled("cdc.dlq"))
                .extracting(ConsumerRecord::key, ConsumerRecord::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(userKey(5), BAD)));
        List<ConsumerRecord<String, String>> dead = reader.polled("cdc.dlq");
        assertThat(new String(dead.get(0).headers().lastHeader("__streams.errors.message").value(),
                StandardCharsets.UTF_8)).contains("'source.ts_ms'");
    }

    @Test
    @Order(2)
    void shouldAnswerTheTableEndpoints() {
        HttpResponse<String> row = service.get("/api/tables/users/rows/1");
        assertThat(row.statusCode()).isEqualTo(200);
        Map<String, Object> body = json(row.body());
        assertThat(body).containsEntry("key", "1").containsEntry("commit_version", "mysql-bin.000003:300:0")
                .containsEntry("commit_timestamp", "2025-12-09T13:02:00Z");
        assertThat(body.get("row")).isEqualTo(json(user(1, "Ann", "vip")));

        HttpResponse<String> deleted = service.get("/api/tables/users/rows/2");
        assertThat(deleted.statusCode()).isEqualTo(404);
        assertThat(deleted.body()).contains("'2'");
        assertThat(service.get("/api/tables/users/rows/999").statusCode()).isEqualTo(404);
        assertThat(service.get("/api/tables/orders/rows/1").statusCode()).isEqualTo(404);
        assertThat(service.get("/api/tables/orders/stats").statusCode()).isEqualTo(404);

        Map<String, Object> listed = json(service.get("/api/tables/users/rows?limit=2").body());
        assertThat(listed).containsEntry("limit", 2).containsEntry("more", true);
        assertThat((List<?>) listed.get("rows")).hasSize(2);
        assertThat((List<?>) json(service.get("/api/tables/users/rows").body()).get("rows")).hasSize(3);
        assertThat(service.get("/api/tables/users/rows?limit=0").statusCode()).isEqualTo(400);
        assertThat(service.get("/api/tables/users/rows?limit=1001").statusCode()).isEqualTo(400);
        assertThat(service.get("/api/tables/users/rows?limit=many").statusCode()).isEqualTo(400);

        assertThat(stats()).containsEntry("table", "users").containsEntry("rows", 3)
                .containsEntry("applied", 8).containsEntry("skipped", 4)
                .containsEntry("partitions", List.of(0, 1));
    }

    @Test
    @Order(3)
    void shouldAnswerHealthAndPrometheus() {
        assertThat(service.get("/actuator/health").body()).contains("\"kafkaStreams\"").contains("RUNNING");
        assertThat(service.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(service.get("/actuator/health/liveness").statusCode()).isEqualTo(200);

        HttpResponse<String> prometheus = service.get("/actuator/prometheus");
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).contains("streamworks_records_in_total", "streamworks_dlq_records_total",
                "streamworks_cdc_changes_total{", "outcome=\"skipped\"", "outcome=\"tombstone\"");
    }

    @Test
    @Order(4)
    void shouldChangeNothingWhenTheWholeHistoryIsReplayedAfterARestart() {
        int feedBefore = reader.polled("cdc.users.changes").size();
        int tableBefore = reader.polled("cdc.users").size();
        service.close();
        service = startService();

        List<ProducerRecord<String, String>> history = List.copyOf(SENT);
        history.forEach(kafka::send);
        long changes = history.stream().filter(record -> record.value() != null && !BAD.equals(record.value())).count();
        send(1, update(null, user(1, "Ann", "regular"), 700, at(6)));

        await().atMost(WAIT).untilAsserted(() -> assertThat(stats())
                .containsEntry("applied", 9).containsEntry("skipped", (int) (4 + changes)));
        await().atMost(WAIT).untilAsserted(() -> assertThat(history().get("1"))
                .endsWith("update_preimage vip", "update_postimage regular"));
        assertThat(reader.polled("cdc.users.changes")).hasSize(feedBefore + 2);
        // the table topic is read apart from the change feed: its record may be polled a moment later
        await().atMost(WAIT).untilAsserted(() -> assertThat(reader.polled("cdc.users")).hasSize(tableBefore + 1));
        assertThat(table().get("1")).isEqualTo(json(user(1, "Ann", "regular")));
    }
}
