package dev.streamworks.cdc;

import dev.streamworks.cdc.domain.PartitionStats;
import dev.streamworks.cdc.domain.StoredRow;
import dev.streamworks.cdc.processor.ChangeCounters;
import dev.streamworks.cdc.processor.ChangeSerde;
import dev.streamworks.cdc.processor.TableProcessor;
import dev.streamworks.common.config.StreamworksProperties;
import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.serde.Json;
import dev.streamworks.common.testing.TestTimes;
import dev.streamworks.common.testing.TopologyDriver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.type.TypeReference;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.streamworks.cdc.Changes.delete;
import static dev.streamworks.cdc.Changes.insert;
import static dev.streamworks.cdc.Changes.snapshotRead;
import static dev.streamworks.cdc.Changes.update;
import static dev.streamworks.cdc.Changes.user;
import static dev.streamworks.cdc.Changes.userKey;
import static dev.streamworks.common.testing.TestTimes.T0;
import static dev.streamworks.common.testing.TestTimes.minutes;
import static org.assertj.core.api.Assertions.assertThat;

/** The production topology, driven record by record with fixed event times. */
class CdcTopologyTest {

    private static final String SOURCE = "mysql.prod.users";
    private static final String DLQ = "cdc.dlq";
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    @TempDir
    Path stateDir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StreamworksMetrics metrics = new StreamworksMetrics(registry, TestTimes.CLOCK);
    private TopologyTestDriver driver;
    private TestInputTopic<String, String> users;
    private TestOutputTopic<String, String> table;
    private TestOutputTopic<String, String> changes;
    private TestOutputTopic<String, String> dlq;

    private void start(CdcProperties props) {
        StreamworksProperties common = StreamworksProperties.defaults();
        ChangeSerde serde = new ChangeSerde(common.maxRecordBytesInt(), common.maxFutureSkew(), TestTimes.CLOCK);
        driver = TopologyDriver.drive(TopologyDriver.settings("cdc", common, metrics, stateDir),
                builder -> new CdcTopology(props, serde, metrics).addTo(builder));
        users = input(props.tables().get(0).sourceTopic());
        table = output(props.tables().get(0).tableTopic());
        changes = output(props.tables().get(0).changesTopic());
        dlq = output(DLQ);
    }

    private void start() {
        start(CdcProperties.defaults());
    }

    private TestInputTopic<String, String> input(String topic) {
        return driver.createInputTopic(topic, new StringSerializer(), new StringSerializer());
    }

    private TestOutputTopic<String, String> output(String topic) {
        return driver.createOutputTopic(topic, new StringDeserializer(), new StringDeserializer());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    /** Sends with Debezium's key struct; the Kafka timestamp is deliberately not the event time. */
    private void send(int userId, String change) {
        users.pipeInput(userKey(userId), change, T0.minus(Duration.ofDays(30)));
    }

    private static Map<String, Object> json(String text) {
        return text == null ? null : Json.mapper().readValue(text.getBytes(StandardCharsets.UTF_8), MAP);
    }

    /** The change feed as (key, _change_type, user_segment) lines. */
    private List<String> feed() {
        return changes.readRecordsToList().stream().map(record -> {
            Map<String, Object> value = json(record.value());
            return record.key() + " " + value.get("_change_type") + " " + value.get("user_segment");
        }).toList();
    }

    private double counter(String outcome) {
        return registry.get(ChangeCounters.CHANGES).tag("table", "users").tag("outcome", outcome).counter().count();
    }

    private PartitionStats stats() {
        KeyValueStore<String, PartitionStats> store = driver.getKeyValueStore(TableProcessor.statsStore("users"));
        return store.get(TableProcessor.statsKey(0));
    }

    @Test
    void shouldInsertUpdateAndDeleteWithTheChangeFeedsImages() {
        start();

        send(7, insert(user(7, "Ann", "new"), 100, minutes(1)));
        send(7, update(null, user(7, "Ann", "vip"), 200, minutes(2)));
        send(7, delete(userKey(7), 300, minutes(3)));

        List<TestRecord<String, String>> rows = table.readRecordsToList();
        assertThat(rows).extracting(TestRecord::key).containsExactly("7", "7", "7");
        assertThat(json(rows.get(0).value())).isEqualTo(json(user(7, "Ann", "new")));
        assertThat(json(rows.get(1).value())).isEqualTo(json(user(7, "Ann", "vip")));
        assertThat(rows.get(2).value()).as("tombstone").isNull();
        assertThat(rows.get(1).getRecordTime()).as("event time of the change").isEqualTo(minutes(2));

        List<TestRecord<String, String>> feed = changes.readRecordsToList();
        assertThat(feed).extracting(record -> json(record.value()).get("_change_type"))
                .containsExactly("insert", "update_preimage", "update_postimage", "delete");
        assertThat(json(feed.get(1).value())).as("pre-image from the store: Debezium's before was null")
                .containsEntry("user_segment", "new").containsEntry("name", "Ann");
        assertThat(json(feed.get(3).value())).as("deleted row from the store: Debezium's before was key-only")
                .containsEntry("user_segment", "vip").containsEntry("name", "Ann")
                .containsEntry("_commit_version", "mysql-bin.000003:300:0")
                .containsEntry("_commit_timestamp", "2025-12-09T13:03:00Z");
        assertThat(driver.getKeyValueStore(TableProcessor.rowsStore("users")).get("7"))
                .isInstanceOfSatisfying(StoredRow.class, stored -> assertThat(stored.live()).isFalse());
    }

    @Test
    void shouldWriteTheContractsValues() {
        start();

        send(7, insert(user(7, "Ann", "new"), 100, minutes(1)));

        assertThat(table.readValue()).isEqualTo("{\"user_id\":7,\"name\":\"Ann\",\"user_segment\":\"new\"}");
        assertThat(changes.readValue()).isEqualTo("{\"user_id\":7,\"name\":\"Ann\",\"user_segment\":\"new\","
                + "\"_change_type\":\"insert\",\"_commit_version\":\"mysql-bin.000003:100:0\","
                + "\"_commit_timestamp\":\"2025-12-09T13:01:00Z\"}");
    }

    @Test
    void shouldUpsertSnapshotReadsAndCreatesOfExistingKeys() {
        start();

        send(1, snapshotRead(user(1, "Bo", "new"), 50, minutes(0)));
        send(2, snapshotRead(user(2, "Cy", "regular"), 50, minutes(0)));
        send(1, Changes.insert(user(1, "Bo", "regular"), 120, minutes(1)));
        send(2, Changes.snapshotRead(user(2, "Cy", "vip"), 900, minutes(9)));

        assertThat(feed()).containsExactly("1 insert new", "2 insert regular",
                "1 update_preimage new", "1 update_postimage regular",
                "2 update_preimage regular", "2 update_postimage vip");
    }

    @Test
    void shouldSkipAReplayAndOlderOrEqualPositionsAndCountThem() {
        start();
        String first = insert(user(7, "Ann", "new"), 100, minutes(1));
        String second = update(null, user(7, "Ann", "vip"), 200, minutes(2));

        send(7, first);
        send(7, second);
        send(7, first);
        send(7, second);
        send(7, update(null, user(7, "Ann", "regular"), 150, minutes(1)));

        assertThat(feed()).containsExactly("7 insert new", "7 update_preimage new", "7 update_postimage vip");
        assertThat(table.readValuesToList()).hasSize(2);
        assertThat(counter("applied")).isEqualTo(2.0);
        assertThat(counter("skipped")).isEqualTo(3.0);
        assertThat(stats()).isEqualTo(new PartitionStats(1, 2, 3, null));
    }

    @Test
    void shouldSkipASecondSnapshotReadAtTheSamePosition() {
        start();
        String read = snapshotRead(user(7, "Ann", "new"), 154, minutes(0));

        send(7, read);
        send(7, read);

        assertThat(feed()).containsExactly("7 insert new");
        assertThat(counter("skipped")).isEqualTo(1.0);
    }

    @Test
    void shouldNotResurrectADeletedRowOnAReplayedInsert() {
        start();

        send(7, insert(user(7, "Ann", "new"), 100, minutes(1)));
        send(7, delete(user(7, "Ann", "new"), 300, minutes(3)));
        send(7, insert(user(7, "Ann", "new"), 100, minutes(1)));

        assertThat(feed()).containsExactly("7 insert new", "7 delete new");
        assertThat(stats()).isEqualTo(new PartitionStats(0, 2, 1, null));
    }

    @Test
    void shouldApplyChangesByPositionAcrossBinlogFiles() {
        start();

        send(7, Changes.mysql("c", null, user(7, "Ann", "new"), "mysql-bin.000009", 900, 0, minutes(1)));
        send(7, Changes.mysql("u", null, user(7, "Ann", "vip"), "mysql-bin.000010", 4, 0, minutes(2)));
        send(7, Changes.mysql("u", null, user(7, "Ann", "regular"), "mysql-bin.000009", 950, 0, minutes(1)));

        assertThat(feed()).containsExactly("7 insert new", "7 update_preimage new", "7 update_postimage vip");
    }

    @Test
    void shouldSkipDebeziumsTombstoneWithoutADeadLetter() {
        start();

        send(7, insert(user(7, "Ann", "new"), 100, minutes(1)));
        send(7, delete(user(7, "Ann", "new"), 200, minutes(2)));
        users.pipeInput(userKey(7), (String) null);

        assertThat(feed()).containsExactly("7 insert new", "7 delete new");
        assertThat(dlq.isEmpty()).isTrue();
        assertThat(counter("tombstone")).isEqualTo(1.0);
        assertThat(registry.get(StreamworksMetrics.RECORDS_IN).counter().count()).isEqualTo(2.0);
    }

    @Test
    void shouldReadTheKeyFromTheRowWhenTheRecordHasNone() {
        start();

        users.pipeInput(null, insert(user(7, "Ann", "new"), 100, minutes(1)));
        users.pipeInput(null, delete(user(7, "Ann", "new"), 200, minutes(2)));

        assertThat(feed()).containsExactly("7 insert new", "7 delete new");
    }

    @Test
    void shouldReadTheKeyStructInsideTheSchemaEnvelope() {
        start();

        users.pipeInput("{\"schema\":{\"type\":\"struct\",\"fields\":[{\"field\":\"user_id\",\"type\":\"int32\"}]},"
                + "\"payload\":{\"user_id\":7}}", insert("{\"name\":\"no key column in the row\"}", 100, minutes(1)));

        assertThat(table.readRecord().key()).isEqualTo("7");
    }

    @Test
    void shouldKeyCompositePrimaryKeysByTheirColumnsJoinedByABar() {
        CdcProperties props = new CdcProperties(List.of(new CdcProperties.Table("pg.public.memberships",
                "memberships", List.of("org_id", "user_id"))), CdcProperties.defaults().query());
        start(props);
        String row = "{\"org_id\":\"acme\",\"user_id\":7,\"role\":\"admin\"}";

        users.pipeInput("{\"org_id\":\"acme\",\"user_id\":7}", insert(row, 100, minutes(1)));
        users.pipeInput(null, update(null, row.replace("admin", "owner"), 200, minutes(2)));

        assertThat(table.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("acme|7", "acme|7");
        assertThat(changes.readValuesToList()).extracting(value -> json(value).get("_change_type"))
                .containsExactly("insert", "update_preimage", "update_postimage");
        assertThat(driver.getKeyValueStore(TableProcessor.rowsStore("memberships")).get("acme|7")).isNotNull();
    }

    @Test
    void shouldTruncateEveryRowWithTombstonesAndDeleteRecords() {
        start();
        send(1, Changes.postgres("c", null, user(1, "Bo", "new"), "[\"10\",\"11\"]", 11, minutes(1)));
        send(2, Changes.postgres("c", null, user(2, "Cy", "vip"), "[\"10\",\"12\"]", 12, minutes(1)));
        send(2, Changes.postgres("d", user(2, "Cy", "vip"), null, "[\"12\",\"13\"]", 13, minutes(2)));
        table.readRecordsToList();
        changes.readRecordsToList();

        users.pipeInput(null, Changes.postgres("t", null, null, "[\"13\",\"20\"]", 20, minutes(5)));
        assertThat(dlq.readValuesToList()).isEmpty();

        assertThat(table.readKeyValuesToList()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("1");
            assertThat(kv.value).isNull();
        });
        List<TestRecord<String, String>> deleted = changes.readRecordsToList();
        assertThat(deleted).singleElement().satisfies(record -> {
            assertThat(json(record.value())).containsEntry("_change_type", "delete").containsEntry("user_segment", "new")
                    .containsEntry("_commit_version", "13:20");
            assertThat(record.getRecordTime()).isEqualTo(minutes(5));
        });
        KeyValueStore<String, StoredRow> rowsStore = driver.getKeyValueStore(TableProcessor.rowsStore("users"));
        try (var all = rowsStore.all()) {
            assertThat(all.hasNext()).as("rows and delete markers before the truncate are gone").isFalse();
        }
        assertThat(stats().rows()).isZero();

        // a replay from before the truncate changes nothing; a later insert is applied
        send(1, Changes.postgres("c", null, user(1, "Bo", "new"), "[\"10\",\"11\"]", 11, minutes(1)));
        users.pipeInput(null, Changes.postgres("t", null, null, "[\"13\",\"20\"]", 20, minutes(5)));
        send(3, Changes.postgres("c", null, user(3, "Di", "new"), "[\"20\",\"21\"]", 21, minutes(6)));
        assertThat(feed()).containsExactly("3 insert new");
        assertThat(stats()).isEqualTo(new PartitionStats(1, 5, 2, stats().truncatedAt()));
    }

    @Test
    void shouldSendMalformedEventsToTheDeadLetterTopicAndProcessTheRest() {
        start();

        send(7, insert(user(7, "Ann", "new"), 100, minutes(1)));
        users.pipeInput("bad", "not json at all");
        users.pipeInput(userKey(8), "{\"op\":\"c\",\"after\":{\"user_id\":8},\"source\":{\"ts_ms\":1765285200000}}");
        users.pipeInput(null, insert("{\"name\":\"no key\"}", 150, minutes(1)));
        users.pipeInput("[not a key struct", insert(user(9, "Ed", "new"), 160, minutes(1)));
        send(7, update(null, user(7, "Ann", "vip"), 200, minutes(2)));

        assertThat(feed()).containsExactly("7 insert new", "7 update_preimage new", "7 update_postimage vip");
        List<TestRecord<String, String>> dead = dlq.readRecordsToList();
        assertThat(dead).extracting(TestRecord::key).containsExactly("bad", userKey(8), null, "[not a key struct");
        assertThat(dead.get(0).value()).isEqualTo("not json at all");
        assertThat(header(dead.get(1).headers(), "__streams.errors.message")).contains("no position");
        assertThat(header(dead.get(2).headers(), "__streams.errors.message"))
                .contains("key column 'user_id' is in neither the record key nor the row");
        assertThat(header(dead.get(2).headers(), "__streams.errors.topic")).as("validated before the repartition")
                .isEqualTo(SOURCE);
        assertThat(header(dead.get(3).headers(), "__streams.errors.message")).contains("key struct");
    }

    @Test
    void shouldMaterializeEveryConfiguredTableOnItsOwnTopics() {
        CdcProperties props = new CdcProperties(List.of(CdcProperties.USERS,
                new CdcProperties.Table("pg.public.orders", "orders", List.of("order_id"))),
                CdcProperties.defaults().query());
        start(props);
        TestInputTopic<String, String> orders = input("pg.public.orders");
        TestOutputTopic<String, String> ordersTable = output("cdc.orders");

        orders.pipeInput("{\"order_id\":\"o-1\"}", Changes.postgres("c", null, "{\"order_id\":\"o-1\",\"total\":19.90}",
                "[\"1\",\"2\"]", 2, minutes(1)));
        send(7, insert(user(7, "Ann", "new"), 100, minutes(1)));

        assertThat(ordersTable.readKeyValuesToList()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("o-1");
            assertThat(kv.value).isEqualTo("{\"order_id\":\"o-1\",\"total\":19.9}");
        });
        assertThat(table.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("7");
    }

    @Test
    void shouldNameEveryStoreTopicAndNode() {
        StreamworksProperties common = StreamworksProperties.defaults();
        var builder = TopologyDriver.builder(TopologyDriver.settings("cdc", common, metrics, stateDir));
        new CdcTopology(CdcProperties.defaults(), new ChangeSerde(1024, Duration.ofHours(1), TestTimes.CLOCK), metrics)
                .addTo(builder);

        String description = builder.build().describe().toString();

        assertThat(description).contains("users-rows-store", "users-stats-store", "users-changes-by-key-repartition",
                "users-source", "users-apply", "users-table-sink", "users-changes-sink", "users-skip-tombstones",
                "users-key-by-primary-key", "mysql.prod.users", "cdc.users.changes");
        assertThat(description).doesNotContain("KSTREAM-", "STATE-STORE-");
    }

    private static String header(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
