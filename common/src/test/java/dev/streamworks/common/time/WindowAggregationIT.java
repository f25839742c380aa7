package dev.streamworks.common.time;

import dev.streamworks.common.config.StreamworksProperties;
import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.testing.KafkaBroker;
import dev.streamworks.common.testing.KafkaClients;
import dev.streamworks.common.testing.TestTimes;
import dev.streamworks.common.testing.TopologyDriver;
import dev.streamworks.common.time.WindowAggregationTest.Sent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Update mode on a real broker, where a commit covers many records: the random six-channel input
 * of {@link WindowAggregationTest} is written before the operators start, with a commit interval
 * longer than the test, so the store's record cache flushes only when windows expire (the
 * shortest retention: right after they close) and when the streams close. The last record of
 * each window must still carry the batch reference's count, in fewer records than updates: an
 * expired window's last change is emitted before its deletion, never lost.
 */
@Tag("integration")
@Timeout(240)
class WindowAggregationIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final List<String> TOPICS = List.of("in", "final-out", "update-out", "hopping-out",
            "distinct-out", "late", "late-unused");

    @TempDir
    Path stateDir;

    @Test
    void updateModeEmitsEachWindowsLastCountInFewerRecordsThanUpdates() throws Exception {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        List<List<Sent>> channels = WindowAggregationTest.generate(random);
        WindowAggregationTest.Expected expected = WindowAggregationTest.expected(channels);
        List<Sent> records = WindowAggregationTest.interleave(channels, random);
        long ticks = records.stream().filter(sent -> !sent.heartbeat()).count();
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(TOPICS.stream().map(topic -> topic(topic)).toList()).all().get(30, TimeUnit.SECONDS);
            try (KafkaClients kafka = new KafkaClients(bootstrap)) {
                for (Sent sent : records) {
                    TestRecord<String, String> record = WindowAggregationTest.record(sent);
                    kafka.send(new ProducerRecord<>("in", null, record.timestamp(), record.key(), record.value(),
                            record.headers()));
                }
            }

            Properties settings = TopologyDriver.settings("window-aggregation-it-" + UUID.randomUUID(),
                    StreamworksProperties.defaults(), (stage, error) -> { }, stateDir);
            settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            // no commit while the test runs: the cache flushes at expiries and at close only
            settings.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Duration.ofHours(1).toMillis());
            StreamsBuilder builder = TopologyDriver.builder(settings);
            AtomicLong processed = new AtomicLong();
            // after the three operators (children run in the order they were added): counts the
            // ticks they have all processed
            WindowAggregationTest.topology(builder,
                            new StreamworksMetrics(new SimpleMeterRegistry(), TestTimes.CLOCK), Duration.ZERO)
                    .peek((key, tick) -> processed.incrementAndGet(), Named.as("processed"));
            KafkaStreams streams = new KafkaStreams(builder.build(), settings);
            try {
                streams.start();
                await().atMost(WAIT).until(() -> processed.get() == ticks);
            } finally {
                // a clean close commits: the caches flush what they still hold
                streams.close(Duration.ofSeconds(60));
            }
            assertThat(streams.state()).isEqualTo(KafkaStreams.State.NOT_RUNNING);

            Map<String, Long> ends = ends(admin, "update-out", "hopping-out");
            try (KafkaClients kafka = new KafkaClients(bootstrap); KafkaClients.Reader reader =
                    kafka.reader("update-out", "hopping-out")) {
                await().atMost(WAIT).until(() -> reader.polled("update-out").size() == ends.get("update-out")
                        && reader.polled("hopping-out").size() == ends.get("hopping-out"));
                List<ConsumerRecord<String, String>> tumbling = reader.polled("update-out");
                List<ConsumerRecord<String, String>> hopping = reader.polled("hopping-out");
                assertThat(WindowAggregationTest.lastPerWindow(values(tumbling)))
                        .as("last count per tumbling window, seed %d", seed).isEqualTo(expected.updates());
                assertThat(WindowAggregationTest.lastPerWindow(values(hopping)))
                        .as("last count per hopping window, seed %d", seed).isEqualTo(expected.hopping());
                assertThat(tumbling).as("records of tumbling windows, seed %d", seed)
                        .hasSizeLessThan((int) total(expected.updates()));
                assertThat(hopping).as("records of hopping windows, seed %d", seed)
                        .hasSizeLessThan((int) total(expected.hopping()));
            }
        }
    }

    /**
     * The distinct dimension across restarts in the middle of windows, under exactly-once: the input
     * in three parts, the operators stopped after each; before the third part the local state is
     * wiped too, so the sets come back from their changelog. Each window's last distinct count must be
     * the batch reference's, as without restarts.
     */
    @Test
    void distinctCountsStayExactWhenTheProcessorRestartsMidWindow() throws Exception {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        List<List<Sent>> channels = WindowAggregationTest.generate(random);
        WindowAggregationTest.Expected expected = WindowAggregationTest.expected(channels);
        List<Sent> records = WindowAggregationTest.interleave(channels, random);
        int firstCut = records.size() / 4 + random.nextInt(records.size() / 4);
        int secondCut = records.size() / 2 + random.nextInt(records.size() / 4);
        List<List<Sent>> parts = List.of(records.subList(0, firstCut), records.subList(firstCut, secondCut),
                records.subList(secondCut, records.size()));
        assertThat(windowsSpanning(parts.get(0), parts.get(1))).as("windows open across the first restart, seed %d",
                seed).isNotEmpty();
        assertThat(windowsSpanning(parts.get(1), parts.get(2))).as("windows open across the second restart, seed %d",
                seed).isNotEmpty();
        String prefix = "restart-";
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(TOPICS.stream().map(topic -> topic(prefix + topic)).toList())
                    .all().get(30, TimeUnit.SECONDS);
            Properties settings = TopologyDriver.settings("window-distinct-restart-it-" + UUID.randomUUID(),
                    StreamworksProperties.defaults(), (stage, error) -> { }, stateDir);
            settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            settings.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
            for (int part = 0; part < parts.size(); part++) {
                try (KafkaClients kafka = new KafkaClients(bootstrap)) {
                    for (Sent sent : parts.get(part)) {
                        TestRecord<String, String> record = WindowAggregationTest.record(sent);
                        kafka.send(new ProducerRecord<>(prefix + "in", null, record.timestamp(), record.key(),
                                record.value(), record.headers()));
                    }
                }
                long ticks = parts.get(part).stream().filter(sent -> !sent.heartbeat()).count();
                StreamsBuilder builder = TopologyDriver.builder(settings);
                AtomicLong processed = new AtomicLong();
                WindowAggregationTest.topology(builder, new StreamworksMetrics(new SimpleMeterRegistry(),
                                TestTimes.CLOCK), Duration.ZERO, prefix)
                        .peek((key, tick) -> processed.incrementAndGet(), Named.as("processed"));
                KafkaStreams streams = new KafkaStreams(builder.build(), settings);
                try {
                    streams.start();
                    await().atMost(WAIT).until(() -> processed.get() >= ticks);
                } finally {
                    // leaving the group: the next start is not held for the session timeout
                    streams.close(CloseOptions.groupMembershipOperation(
                            CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(60)));
                }
                assertThat(streams.state()).isEqualTo(KafkaStreams.State.NOT_RUNNING);
                if (part == 1) {
                    // the next start restores every store from its changelog
                    streams.cleanUp();
                }
            }

            try (KafkaClients kafka = new KafkaClients(bootstrap); KafkaClients.Reader reader =
                    kafka.reader(prefix + "distinct-out", prefix + "update-out")) {
                await().atMost(WAIT).untilAsserted(() -> {
                    reader.poll();
                    Map<String, Long> distinct = WindowAggregationTest.lastPerWindow(
                            values(reader.polled(prefix + "distinct-out")));
                    Map<String, Long> counts = WindowAggregationTest.lastPerWindow(
                            values(reader.polled(prefix + "update-out")));
                    // both at once: a window missing from both outputs is not the distinct dimension's
                    assertThat(Map.of("distinct", distinct, "counts", counts))
                            .as("last distinct count and count per window, seed %d", seed)
                            .isEqualTo(Map.of("distinct", expected.distinct(), "counts", expected.updates()));
                });
            }
        }
    }

    /** The tumbling windows (key@start) with a tick in both parts. */
    private static Set<String> windowsSpanning(List<Sent> before, List<Sent> after) {
        Set<String> spanning = windowsOf(before);
        spanning.retainAll(windowsOf(after));
        return spanning;
    }

    private static Set<String> windowsOf(List<Sent> records) {
        Set<String> windows = new HashSet<>();
        records.stream().filter(sent -> !sent.heartbeat()).forEach(sent -> windows.add(sent.tick().key() + "@"
                + Math.floorDiv(sent.tick().at().toEpochMilli(), 300_000L) * 300_000L));
        return windows;
    }

    /**
     * A topic that keeps records of any age: the test's event times (TestTimes) are older than the
     * broker's default retention (7 days), which would delete them, input and outputs, at its next check.
     */
    private static NewTopic topic(String name) {
        return new NewTopic(name, 1, (short) 1).configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"));
    }

    private static long total(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    private static List<KeyValue<String, String>> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(record -> KeyValue.pair(record.key(), record.value())).toList();
    }

    private static Map<String, Long> ends(Admin admin, String... topics) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (String topic : topics) {
            latest.put(new TopicPartition(topic, 0), OffsetSpec.latest());
        }
        Map<String, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS)
                .forEach((partition, info) -> ends.put(partition.topic(), info.offset()));
        return ends;
    }
}
