package dev.streamworks.fraud;

import dev.streamworks.common.config.StreamworksProperties;
import dev.streamworks.common.event.Transaction;
import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.serde.EventSerde;
import dev.streamworks.common.serde.JsonSerde;
import dev.streamworks.common.streams.LateRecords;
import dev.streamworks.common.testing.TestEventTime;
import dev.streamworks.common.time.EventTime;
import dev.streamworks.common.testing.TestTimes;
import dev.streamworks.common.testing.TopologyDriver;
import dev.streamworks.fraud.domain.AlertType;
import dev.streamworks.fraud.domain.FraudAlert;
import dev.streamworks.fraud.domain.Rule;
import dev.streamworks.fraud.domain.Status;
import dev.streamworks.fraud.domain.UserState;
import dev.streamworks.fraud.domain.UserTransaction;
import dev.streamworks.fraud.processor.FraudStateProcessor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
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
import java.util.ArrayList;
import java.util.List;

import static dev.streamworks.common.testing.TestEvents.transaction;
import static dev.streamworks.common.testing.TestTimes.T0;
import static dev.streamworks.common.testing.TestTimes.minutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The production topology, driven transaction by transaction with fixed event times. */
class FraudTopologyTest {

    private static final String LATE_TOPIC = "fraud.late";
    private static final String DLQ_TOPIC = "fraud.dlq";

    @TempDir
    Path stateDir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StreamworksMetrics metrics = new StreamworksMetrics(registry, TestTimes.CLOCK);
    private TopologyTestDriver driver;
    private TestInputTopic<String, String> transactions;
    private TestOutputTopic<String, String> alerts;
    private TestOutputTopic<String, String> late;
    private TestOutputTopic<String, String> dlq;
    private int sequence;

    private void start() {
        start(FraudProperties.defaults());
    }

    private void start(FraudProperties props) {
        StreamworksProperties common = StreamworksProperties.defaults();
        driver = TopologyDriver.drive(TopologyDriver.settings("fraud", common, metrics, stateDir),
                builder -> new FraudTopology(props, serde(common), metrics, TestEventTime.onePartition("transactions"), LATE_TOPIC).addTo(builder));
        transactions = driver.createInputTopic("transactions", new StringSerializer(), new StringSerializer());
        alerts = driver.createOutputTopic("fraud-alerts", new StringDeserializer(), new StringDeserializer());
        late = driver.createOutputTopic(LATE_TOPIC, new StringDeserializer(), new StringDeserializer());
        dlq = driver.createOutputTopic(DLQ_TOPIC, new StringDeserializer(), new StringDeserializer());
    }

    private static EventSerde<Transaction> serde(StreamworksProperties common) {
        return new EventSerde<>(Transaction.class, common.maxRecordBytesInt(), common.maxFutureSkew(),
                TestTimes.CLOCK);
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    /** Sends a transaction with a generated id; the Kafka timestamp is deliberately not the event time. */
    private String send(String user, Instant at, double amount, String country) {
        String id = "tx-" + (++sequence);
        send(id, user, at, amount, country);
        return id;
    }

    private void send(String id, String user, Instant at, double amount, String country) {
        transactions.pipeInput("untrusted-key", transaction(id, at, user, amount, country),
                T0.minus(Duration.ofDays(30)));
    }

    /** {@code n} small transactions in one country, one a minute from {@code from}. */
    private List<String> burst(String user, Instant from, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(send(user, from.plus(Duration.ofMinutes(i)), 10.0, "US"));
        }
        return ids;
    }

    private List<FraudAlert> alertsOut() {
        return alerts.readValuesToList().stream().map(FraudTopologyTest::read).toList();
    }

    private static FraudAlert read(String json) {
        return JsonSerde.of(FraudAlert.class).deserializer().deserialize("test", json.getBytes(StandardCharsets.UTF_8));
    }

    private KeyValueStore<String, UserState> users() {
        return driver.getKeyValueStore(FraudStateProcessor.USERS_STORE);
    }

    private List<String> storedUsers() {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, UserState> all = users().all()) {
            all.forEachRemaining(entry -> keys.add(entry.key));
        }
        return keys;
    }

    private double counter(String name) {
        return registry.get(name).counter().count();
    }

    private static String header(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Nested
    @DisplayName("rules at their boundaries")
    class Rules {

        @Test
        void shouldNotSuspectFiveTransactionsButSuspectTheSixth() {
            start();

            List<String> ids = burst("u-1", minutes(0), 5);
            assertThat(alerts.isEmpty()).as("5 transactions are not more than 5").isTrue();
            String sixth = send("u-1", minutes(5), 10.0, "US");

            TestRecord<String, String> record = alerts.readRecord();
            assertThat(record.key()).isEqualTo("u-1");
            assertThat(record.getRecordTime()).as("output time is the transaction time").isEqualTo(minutes(5));
            FraudAlert alert = read(record.value());
            assertThat(alert.alertId()).isEqualTo("u-1@" + sixth);
            assertThat(alert.alertType()).isEqualTo(AlertType.FRAUD_SUSPECTED);
            assertThat(alert.reasons()).containsExactly(Rule.TOO_MANY_TRANSACTIONS);
            assertThat(alert.windowTransactions()).isEqualTo(6);
            assertThat(alert.windowAmount()).isEqualTo(60.0);
            assertThat(alert.countries()).containsExactly("US");
            assertThat(alert.transactionTime()).isEqualTo(minutes(5));
            assertThat(ids).hasSize(5);
            assertThat(alerts.isEmpty()).isTrue();
        }

        @Test
        void shouldNotSuspectATotalOfExactlyTheMaximumButSuspectOneCentMore() {
            start();

            send("u-even", minutes(0), 5000.0, "US");
            send("u-even", minutes(1), 5000.0, "US");
            send("u-over", minutes(0), 5000.0, "US");
            send("u-over", minutes(1), 5000.01, "US");

            assertThat(alertsOut()).singleElement().satisfies(alert -> {
                assertThat(alert.userId()).isEqualTo("u-over");
                assertThat(alert.reasons()).containsExactly(Rule.AMOUNT_SPIKE);
                assertThat(alert.windowAmount()).isEqualTo(10000.01);
                assertThat(alert.windowTransactions()).isEqualTo(2);
            });
        }

        @Test
        void shouldNotSuspectTwoCountriesButSuspectThree() {
            start();

            send("u-1", minutes(0), 10.0, "US");
            send("u-1", minutes(1), 10.0, "fr");
            send("u-1", minutes(2), 10.0, "FR");
            assertThat(alerts.isEmpty()).as("fr and FR are one country").isTrue();
            send("u-1", minutes(3), 10.0, "DE");

            assertThat(alertsOut()).singleElement().satisfies(alert -> {
                assertThat(alert.reasons()).containsExactly(Rule.MULTIPLE_COUNTRIES);
                assertThat(alert.countries()).containsExactly("DE", "FR", "US");
            });
        }

        @Test
        void shouldLeaveATransactionExactlyLookbackOldOutOfTheWindow() {
            start();

            send("u-out", minutes(0), 10.0, "US");
            burst("u-out", minutes(6), 5);
            send("u-in", minutes(0), 10.0, "US");
            burst("u-in", minutes(6), 4);
            send("u-in", minutes(10).minusMillis(1), 10.0, "US");

            assertThat(alertsOut()).singleElement().satisfies(alert -> {
                assertThat(alert.userId()).isEqualTo("u-in");
                assertThat(alert.windowTransactions()).isEqualTo(6);
            });
        }

        @Test
        void shouldListEveryRuleThatHoldsAndScoreTheRisk() {
            start();

            burst("u-1", minutes(0), 5);
            send("u-1", minutes(5), 20_000.0, "FR");
            send("u-1", minutes(6), 10.0, "DE");

            List<FraudAlert> raised = alertsOut();
            assertThat(raised).extracting(FraudAlert::alertType, FraudAlert::reasons).containsExactly(
                    tuple(AlertType.FRAUD_SUSPECTED, List.of(Rule.TOO_MANY_TRANSACTIONS, Rule.AMOUNT_SPIKE)),
                    tuple(AlertType.FRAUD_ESCALATED, List.of(Rule.TOO_MANY_TRANSACTIONS, Rule.AMOUNT_SPIKE,
                            Rule.MULTIPLE_COUNTRIES)));
            // 1 - 1/(2 * 6/5) * 1/(2 * 20050/10000)
            assertThat(raised.get(0).riskScore()).isEqualTo(0.8961);
        }
    }

    @Nested
    @DisplayName("the state machine")
    class StateMachine {

        @Test
        void shouldEscalateOnlyForARuleNotYetReportedInTheEpisode() {
            start();

            burst("u-1", minutes(0), 6);
            send("u-1", minutes(6), 10.0, "US");
            send("u-1", minutes(7), 10.0, "FR");
            String third = send("u-1", minutes(8), 10.0, "DE");
            send("u-1", minutes(8).plusSeconds(30), 10.0, "GB");
            String big = send("u-1", minutes(9), 20_000.0, "GB");

            List<FraudAlert> raised = alertsOut();
            assertThat(raised).extracting(FraudAlert::alertType, FraudAlert::transactionId, FraudAlert::reasons)
                    .containsExactly(
                            tuple(AlertType.FRAUD_SUSPECTED, "tx-6", List.of(Rule.TOO_MANY_TRANSACTIONS)),
                            tuple(AlertType.FRAUD_ESCALATED, third,
                                    List.of(Rule.TOO_MANY_TRANSACTIONS, Rule.MULTIPLE_COUNTRIES)),
                            tuple(AlertType.FRAUD_ESCALATED, big, List.of(Rule.TOO_MANY_TRANSACTIONS,
                                    Rule.AMOUNT_SPIKE, Rule.MULTIPLE_COUNTRIES)));
            assertThat(users().get("u-1").status()).isEqualTo(Status.SUSPECTED);
            assertThat(users().get("u-1").reported()).containsExactlyInAnyOrder(Rule.values());
        }

        @Test
        void shouldOpenANewEpisodeWhenTheLastTriggerIsMoreThanLookbackOld() {
            start();

            burst("u-1", minutes(0), 6);
            String spike = send("u-1", minutes(15).plusMillis(1), 20_000.0, "US");

            assertThat(alertsOut()).extracting(FraudAlert::alertType, FraudAlert::transactionId, FraudAlert::reasons)
                    .containsExactly(
                            tuple(AlertType.FRAUD_SUSPECTED, "tx-6", List.of(Rule.TOO_MANY_TRANSACTIONS)),
                            tuple(AlertType.FRAUD_SUSPECTED, spike, List.of(Rule.AMOUNT_SPIKE)));
        }

        @Test
        void shouldKeepTheEpisodeOpenWhenTheLastTriggerIsExactlyLookbackOld() {
            start();

            burst("u-1", minutes(0), 6);
            send("u-1", minutes(15), 20_000.0, "US");

            assertThat(alertsOut()).extracting(FraudAlert::alertType)
                    .containsExactly(AlertType.FRAUD_SUSPECTED, AlertType.FRAUD_ESCALATED);
        }

        @Test
        void shouldReturnToClearOnAQuietTransactionAndSuspectAgainOnTheSameRule() {
            start();

            burst("u-1", minutes(0), 6);
            send("u-1", minutes(20), 10.0, "US");
            assertThat(users().get("u-1").status()).isEqualTo(Status.CLEAR);
            assertThat(users().get("u-1").reported()).isEmpty();
            List<String> again = burst("u-1", minutes(21), 5);

            assertThat(alertsOut()).extracting(FraudAlert::alertType, FraudAlert::transactionId, FraudAlert::reasons)
                    .containsExactly(
                            tuple(AlertType.FRAUD_SUSPECTED, "tx-6", List.of(Rule.TOO_MANY_TRANSACTIONS)),
                            tuple(AlertType.FRAUD_SUSPECTED, again.get(4), List.of(Rule.TOO_MANY_TRANSACTIONS)));
            assertThat(users().get("u-1").status()).isEqualTo(Status.SUSPECTED);
        }

        @Test
        void shouldJudgeAnOutOfOrderTransactionAtItsOwnTimeAndKeepItInPlace() {
            start();

            send("us", "u-1", minutes(0), 10.0, "US");
            send("fr", "u-1", minutes(1), 10.0, "FR");
            send("jp", "u-1", minutes(14), 10.0, "JP");
            assertThat(alerts.isEmpty()).isTrue();
            // 9 minutes behind stream time, within the grace: its window is (12:55, 13:05]
            send("de", "u-1", minutes(5), 10.0, "DE");

            TestRecord<String, String> record = alerts.readRecord();
            assertThat(record.getRecordTime()).isEqualTo(minutes(5));
            assertThat(read(record.value())).satisfies(alert -> {
                assertThat(alert.transactionId()).isEqualTo("de");
                assertThat(alert.reasons()).containsExactly(Rule.MULTIPLE_COUNTRIES);
                assertThat(alert.countries()).as("JP is after the transaction").containsExactly("DE", "FR", "US");
                assertThat(alert.windowTransactions()).isEqualTo(3);
            });
            assertThat(users().get("u-1").transactions()).extracting(UserTransaction::transactionId)
                    .containsExactly("us", "fr", "de", "jp");
            assertThat(late.isEmpty()).isTrue();
        }

        @Test
        void shouldCountATransactionSentTwiceOnce() {
            start();

            burst("u-1", minutes(0), 5);
            send("tx-5", "u-1", minutes(4), 10.0, "US");

            assertThat(alerts.isEmpty()).isTrue();
            assertThat(users().get("u-1").transactions()).hasSize(5);
        }
    }

    @Nested
    @DisplayName("late transactions")
    class Late {

        @Test
        void shouldRouteATransactionGraceBehindStreamTimeToTheLateTopicWithoutJudgingIt() {
            start();
            String tooLate = transaction("late-1", minutes(5), "u-1", 50_000.0, "US");

            send("u-pace", minutes(20), 10.0, "US");
            transactions.pipeInput("k", tooLate);

            TestRecord<String, String> routed = late.readRecord();
            assertThat(routed.value()).as("sent unchanged").isEqualTo(tooLate);
            assertThat(routed.key()).as("with the key it arrived with").isEqualTo("k");
            assertThat(header(routed.headers(), LateRecords.REASON_HEADER)).isEqualTo("fraud-alerts");
            assertThat(header(routed.headers(), LateRecords.WINDOW_END_HEADER)).isEqualTo("2025-12-09T13:05:00Z");
            assertThat(header(routed.headers(), LateRecords.STREAM_TIME_HEADER)).isEqualTo("2025-12-09T13:20:00Z");
            assertThat(late.isEmpty()).isTrue();
            assertThat(alerts.isEmpty()).as("a late transaction is not judged").isTrue();
            assertThat(users().get("u-1")).as("nor kept").isNull();
            assertThat(registry.get("streamworks.late.records").tag("output", "fraud-alerts").counter().count())
                    .isEqualTo(1.0);
        }

        @Test
        void shouldJudgeATransactionOneMillisecondWithinTheGrace() {
            start();

            send("u-pace", minutes(20), 10.0, "US");
            send("u-1", minutes(5).plusMillis(1), 50_000.0, "US");

            assertThat(late.isEmpty()).isTrue();
            assertThat(alertsOut()).singleElement().extracting(FraudAlert::userId, FraudAlert::windowTransactions)
                    .containsExactly("u-1", 1);
        }
    }

    @Test
    void shouldSendBadTransactionsToTheDeadLetterTopicAndJudgeTheGoodOnesAroundThem() {
        start();
        String negative = "{\"transaction_id\":\"bad-1\",\"user_id\":\"u-1\",\"amount\":-5,\"country\":\"US\","
                + "\"transaction_time\":\"2025-12-09T13:02:00Z\"}";

        burst("u-1", minutes(0), 2);
        transactions.pipeInput("bad-key", negative);
        transactions.pipeInput("k", "{\"transaction_id\":\"bad-2\",\"amount\":1}");
        transactions.pipeInput("k", "not json at all");
        burst("u-1", minutes(2), 4);

        assertThat(alertsOut()).singleElement().extracting(FraudAlert::windowTransactions).isEqualTo(6);
        List<TestRecord<String, String>> dead = dlq.readRecordsToList();
        assertThat(dead).extracting(TestRecord::value).containsExactly(negative,
                "{\"transaction_id\":\"bad-2\",\"amount\":1}", "not json at all");
        assertThat(dead.get(0).key()).isEqualTo("bad-key");
        assertThat(header(dead.get(0).headers(), "__streams.errors.message")).contains("'amount' must be >= 0");
        assertThat(header(dead.get(0).headers(), "__streams.errors.topic")).isEqualTo("transactions");
        assertThat(header(dead.get(1).headers(), "__streams.errors.message")).contains("missing required field");
        assertThat(header(dead.get(2).headers(), "__streams.errors.exception"))
                .isEqualTo("dev.streamworks.common.event.InvalidEventException");
        assertThat(registry.get("streamworks.dlq.records").tag("stage", "deserialization").counter().count())
                .isEqualTo(3.0);
    }

    @Test
    void shouldWriteTheContractsFieldNames() {
        start();

        burst("u-1", minutes(0), 6);

        assertThat(alerts.readValue()).isEqualTo("{\"alert_id\":\"u-1@tx-6\",\"alert_type\":\"FRAUD_SUSPECTED\","
                + "\"user_id\":\"u-1\",\"transaction_id\":\"tx-6\",\"transaction_time\":\"2025-12-09T13:05:00Z\","
                + "\"reasons\":[\"TOO_MANY_TRANSACTIONS\"],\"risk_score\":0.5833,\"window_transactions\":6,"
                + "\"window_amount\":60.0,\"countries\":[\"US\"]}");
    }

    @Test
    void shouldDeleteIdleUsersInBoundedBatchesAsStreamTimePassesTheTtl() {
        FraudProperties defaults = FraudProperties.defaults();
        start(new FraudProperties(defaults.topics(), defaults.lookback(), defaults.grace(), defaults.maxTransactions(),
                defaults.maxAmount(), defaults.maxCountries(), Duration.ofHours(24), 2, Duration.ofMinutes(1)));
        Instant dayLater = minutes(0).plus(Duration.ofHours(24));
        for (int i = 1; i <= 5; i++) {
            send("idle-" + i, minutes(0), 10.0, "US");
        }
        send("recent", minutes(0).plusSeconds(30), 10.0, "US");
        assertThat(storedUsers()).hasSize(6);

        send("zz-active", dayLater, 10.0, "US");
        assertThat(storedUsers()).as("first batch: idle-1, idle-2 examined and deleted")
                .containsExactly("idle-3", "idle-4", "idle-5", "recent", "zz-active");
        assertThat(counter(FraudStateProcessor.EXPIRED_METER)).isEqualTo(2.0);

        send("zz-active", dayLater.plus(Duration.ofMinutes(1)), 10.0, "US");
        assertThat(storedUsers()).as("second batch continues where the first stopped")
                .containsExactly("idle-5", "recent", "zz-active");
        assertThat(counter(FraudStateProcessor.EXPIRED_METER)).isEqualTo(4.0);

        send("zz-active", dayLater.plus(Duration.ofMinutes(2)), 10.0, "US");
        assertThat(storedUsers()).as("third batch: idle-5 and recent, idle for more than 24 h by now")
                .containsExactly("zz-active");
        assertThat(counter(FraudStateProcessor.EXPIRED_METER)).isEqualTo(6.0);

        send("zz-active", dayLater.plus(Duration.ofMinutes(3)), 10.0, "US");
        assertThat(storedUsers()).as("the next cycle starts over and keeps the active user").containsExactly("zz-active");
        assertThat(counter(FraudStateProcessor.EXPIRED_METER)).isEqualTo(6.0);
        assertThat(users().get("idle-1")).isNull();
    }

    @Test
    void shouldKeepAUserUntilItHasBeenIdleForTheWholeTtl() {
        start();
        Instant dayLater = minutes(0).plus(Duration.ofHours(24));

        send("u-1", minutes(0), 10.0, "US");
        send("u-2", dayLater.minusMillis(1), 10.0, "US");
        assertThat(storedUsers()).as("idle for 24 h - 1 ms").containsExactly("u-1", "u-2");
        assertThat(counter(FraudStateProcessor.EXPIRED_METER)).isZero();

        send("u-2", dayLater, 10.0, "US");
        assertThat(storedUsers()).as("idle for 24 h").containsExactly("u-2");
        assertThat(counter(FraudStateProcessor.EXPIRED_METER)).isEqualTo(1.0);
    }

    @Test
    void shouldNameEveryStoreTopicAndNode() {
        FraudProperties props = FraudProperties.defaults();
        StreamworksProperties common = StreamworksProperties.defaults();
        var builder = TopologyDriver.builder(TopologyDriver.settings("fraud", common, metrics, stateDir));
        new FraudTopology(props, serde(common), metrics, TestEventTime.onePartition("transactions"), LATE_TOPIC)
                .addTo(builder);

        String description = builder.build().describe().toString();

        assertThat(description).contains(FraudStateProcessor.USERS_STORE, "transactions-by-user-repartition",
                FraudTopology.SOURCE, FraudTopology.COUNT_TRANSACTIONS, FraudTopology.USER_CLOCK,
                FraudTopology.FRAUD_STATE_MACHINE, FraudStateProcessor.ALERTS_SINK, FraudStateProcessor.LATE_SINK,
                EventTime.partitionTimeStore(FraudTopology.TRANSACTIONS_BY_USER));
        assertThat(description).doesNotContain("KSTREAM-", "STATE-STORE-");
        assertThat(builder.build().describe().subtopologies()).as("the local hop: one task reads both topics")
                .singleElement().satisfies(subtopology -> assertThat(subtopology.nodes())
                        .extracting(TopologyDescription.Node::name).contains(FraudTopology.SOURCE,
                                FraudTopology.TRANSACTIONS_BY_USER + "-repartition-source",
                                FraudTopology.TRANSACTIONS_BY_USER + "-local", FraudTopology.FRAUD_STATE_MACHINE));
    }

}
