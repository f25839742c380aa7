package dev.streamworks.fraud;

import dev.streamworks.common.serde.JsonSerde;
import dev.streamworks.common.testing.KafkaBroker;
import dev.streamworks.common.testing.KafkaClients;
import dev.streamworks.common.testing.RunningService;
import dev.streamworks.fraud.domain.AlertType;
import dev.streamworks.fraud.domain.FraudAlert;
import dev.streamworks.fraud.domain.Rule;
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

import static dev.streamworks.common.testing.TestEvents.transaction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The real application on a real broker, exactly-once, read through read_committed consumers.
 * The tests share one running service, each with its own users and its own hour of event time,
 * later than the one before: stream time is per partition and only moves forward, so
 * transactions of an earlier hour would rightly be late.
 */
@Tag("integration")
@Timeout(180)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FraudServiceIT {

    private static final Instant H0 = Instant.parse("2025-12-09T13:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static Path stateDir;
    private static KafkaClients kafka;
    private static KafkaClients.Reader reader;
    private static RunningService service;
    private static Instant hour = H0;

    @BeforeAll
    static void start() throws Exception {
        stateDir = Files.createTempDirectory("fraud-it-state");
        kafka = new KafkaClients(KafkaBroker.shared().bootstrapServers());
        service = startService();
        reader = kafka.reader("fraud-alerts", "fraud.dlq", "fraud.late");
    }

    private static RunningService startService() {
        return RunningService.startOnSharedBroker(FraudServiceApplication.application(), stateDir,
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

    /** Moves the test's event time to an hour of its own. */
    private static void nextHour(int n) {
        hour = H0.plus(Duration.ofHours(n));
    }

    private static Instant at(long minutes) {
        return hour.plus(Duration.ofMinutes(minutes));
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void send(String key, String user, String id, long minute, double amount, String country) {
        kafka.send("transactions", key, transaction(id, at(minute), user, amount, country));
    }

    private static List<ConsumerRecord<String, String>> alertRecords(String user) {
        return reader.polled("fraud-alerts").stream().filter(record -> user.equals(record.key())).toList();
    }

    private static List<ConsumerRecord<String, String>> deadLetters(String user) {
        return reader.polled("fraud.dlq").stream().filter(record -> record.value().contains(user)).toList();
    }

    private static List<FraudAlert> alerts(String user) {
        return alertRecords(user).stream().map(record -> JsonSerde.of(FraudAlert.class).deserializer()
                .deserialize("fraud-alerts", record.value().getBytes(StandardCharsets.UTF_8))).toList();
    }

    private static JsonNode json(String body) {
        return JsonSerde.of(JsonNode.class).deserializer().deserialize("", body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @Order(1)
    void shouldSuspectAndEscalateAUserWhoTripsTheRules() {
        nextHour(1);
        String user = unique("burst");
        for (int i = 0; i < 6; i++) {
            // the input key is not trusted (the service keys by user_id); one key keeps the input
            // in one partition, so the transactions reach the state machine in the order sent
            send("not-the-user", user, "t" + i, i, 100.0, "US");
        }
        send("not-the-user", user, "t6", 6, 100.0, "FR");
        send("not-the-user", user, "t7", 7, 100.0, "DE");

        await().atMost(WAIT).untilAsserted(() -> assertThat(alerts(user))
                .extracting(FraudAlert::alertId, FraudAlert::alertType, FraudAlert::reasons)
                .containsExactly(
                        tuple(user + "@t5", AlertType.FRAUD_SUSPECTED, List.of(Rule.TOO_MANY_TRANSACTIONS)),
                        tuple(user + "@t7", AlertType.FRAUD_ESCALATED,
                                List.of(Rule.TOO_MANY_TRANSACTIONS, Rule.MULTIPLE_COUNTRIES))));
        assertThat(alertRecords(user)).extracting(ConsumerRecord::timestamp)
                .as("an alert's timestamp is its transaction's time")
                .containsExactly(at(5).toEpochMilli(), at(7).toEpochMilli());
        assertThat(alerts(user).get(1).countries()).containsExactly("DE", "FR", "US");
    }

    @Test
    @Order(2)
    void shouldSendAPoisonRecordToTheDeadLetterTopicAndJudgeEveryGoodRecordAroundIt() {
        nextHour(2);
        String user = unique("poisoned");
        send("k", user, "t0", 0, 6000.0, "US");
        kafka.send("transactions", "poison", "{\"transaction_id\":\"p\",\"user_id\":\"" + user
                + "\",\"amount\":\"lots\",\"country\":\"US\",\"transaction_time\":\"" + at(1) + "\"}");
        kafka.send("transactions", "huge", "{\"user_id\":\"" + user + "\",\"pad\":\"" + "x".repeat(5000) + "\"}");
        send("k", user, "t1", 2, 6000.0, "US");

        await().atMost(WAIT).untilAsserted(() -> assertThat(alerts(user)).singleElement().satisfies(alert -> {
            assertThat(alert.reasons()).containsExactly(Rule.AMOUNT_SPIKE);
            assertThat(alert.windowTransactions()).isEqualTo(2);
            assertThat(alert.windowAmount()).isEqualTo(12_000.0);
        }));
        // different keys, maybe different partitions and stream threads: no order between them, and
        // either may be dead-lettered after the alert
        await().atMost(WAIT).untilAsserted(() -> assertThat(deadLetters(user))
                .extracting(ConsumerRecord::key, record -> header(record, "__streams.errors.topic"))
                .containsExactlyInAnyOrder(tuple("poison", "transactions"), tuple("huge", "transactions")));
        List<ConsumerRecord<String, String>> dead = deadLetters(user);
        assertThat(dead).filteredOn(record -> record.key().equals("poison")).singleElement()
                .satisfies(record -> assertThat(header(record, "__streams.errors.message"))
                        .contains("'amount' has the wrong type"));
        assertThat(dead).filteredOn(record -> record.key().equals("huge")).singleElement()
                .satisfies(record -> assertThat(header(record, "__streams.errors.message"))
                        .contains("larger than the limit"));
    }

    @Test
    @Order(3)
    void shouldRouteATransactionLaterThanTheGraceToTheLateTopicUnchanged() {
        nextHour(3);
        String user = unique("slow");
        String late = transaction("late", at(1), user, 50_000.0, "US");
        send("k", user, "t0", 0, 1.0, "US");
        send("k", user, "t1", 30, 1.0, "US");
        kafka.send("transactions", "k", late);

        await().atMost(WAIT).untilAsserted(() -> assertThat(reader.polled("fraud.late").stream()
                .filter(record -> record.value().contains(user)))
                .extracting(ConsumerRecord::value, record -> header(record, "x-late-reason"))
                .containsExactly(tuple(late, "fraud-alerts")));
        assertThat(alerts(user)).as("a late transaction is not judged").isEmpty();
    }

    @Test
    @Order(4)
    void shouldAnswerTheRiskEndpoint() {
        nextHour(4);
        String user = unique("risky");
        send("k", user, "t0", 0, 20_000.0, "US");
        send("k", user, "t1", 1, 5.0, "FR");

        await().atMost(WAIT).untilAsserted(() -> {
            HttpResponse<String> risk = service.get("/api/users/" + user + "/risk");
            assertThat(risk.statusCode()).isEqualTo(200);
            JsonNode body = json(risk.body());
            assertThat(body.get("user_id").asString()).isEqualTo(user);
            assertThat(body.get("status").asString()).isEqualTo("SUSPECTED");
            assertThat(body.get("recent_transactions")).extracting(tx -> tx.get("transaction_id").asString())
                    .containsExactly("t0", "t1");
            assertThat(body.get("last_alert").get("alert_id").asString()).isEqualTo(user + "@t0");
        });

        HttpResponse<String> unknown = service.get("/api/users/no-such-user/risk");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).contains("json"));
        assertThat(unknown.body()).contains("no-such-user");
    }

    @Test
    @Order(5)
    void shouldAnswerHealthAndPrometheus() {
        HttpResponse<String> health = service.get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"kafkaStreams\"").contains("RUNNING");
        assertThat(service.get("/actuator/health/readiness").statusCode()).isEqualTo(200);

        HttpResponse<String> prometheus = service.get("/actuator/prometheus");
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).contains("streamworks_records_in_total", "streamworks_late_records_total",
                "streamworks_dlq_records_total", "streamworks_fraud_state_expired_total",
                "streamworks_fraud_alerts_total", "kafka_stream_thread_process_total");

        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode progress = json(service.get("/actuator/progress").body());
            assertThat(progress.get("id").asString()).isEqualTo("fraud");
            assertThat(progress.get("name").asString()).isEqualTo("fraud-service");
            assertThat(progress.get("stateOperators")).extracting(node -> node.get("operatorName").asString())
                    .contains("fraud-users-store");
        });
    }

    @Test
    @Order(6)
    void shouldKeepAUsersStateAcrossARestart() {
        nextHour(6);
        String user = unique("steady");
        for (int i = 0; i < 3; i++) {
            send("k", user, "t" + i, i, 10.0, "US");
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(json(service.get("/api/users/" + user + "/risk").body())
                .get("recent_transactions")).hasSize(3));

        service.close();
        service = startService();
        for (int i = 3; i < 6; i++) {
            send("k", user, "t" + i, i, 10.0, "US");
        }

        await().atMost(WAIT).untilAsserted(() -> assertThat(alerts(user)).singleElement().satisfies(alert -> {
            assertThat(alert.alertId()).isEqualTo(user + "@t5");
            assertThat(alert.windowTransactions()).isEqualTo(6);
        }));
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
