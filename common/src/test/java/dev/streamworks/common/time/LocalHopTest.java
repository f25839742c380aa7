package dev.streamworks.common.time;

import dev.streamworks.common.config.StreamworksProperties;
import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.streams.EventTimeExtractor;
import dev.streamworks.common.testing.TestTimes;
import dev.streamworks.common.testing.TopologyDriver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local hop of {@link EventTime#send}: which stages take it, the sub-topology it makes, and that
 * a record handed over in the task reaches the receiver exactly as it would through the topic.
 */
class LocalHopTest {

    private static final String APP = "hop";
    static final String TOPIC = "by-key";
    private static final String REPARTITION = APP + "-" + TOPIC + "-repartition";
    private static final Instant T0 = TestTimes.T0;

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    /** A record as the processor after the receiver saw it. */
    record Seen(String key, String value, long timestamp, Stamp stamp, String originKey, boolean partitionTime) {
    }

    static EventTime eventTime(Map<String, Integer> widths) {
        return new EventTime(EventTimeSettings.defaults(), widths::get, LagProbe.NONE, List.copyOf(widths.keySet()),
                null);
    }

    private StreamsBuilder topology(EventTime eventTime, Stage stage, List<Seen> seen) {
        StreamsBuilder builder = TopologyDriver.builder(settings());
        topology(builder, eventTime, stage, seen);
        return builder;
    }

    /**
     * The stage's input (value "key@epoch-ms", its event time remembered as the partition's time the
     * way {@code EventTimeExtractor} does), re-keyed by the value's key through {@link #TOPIC},
     * received, each record captured into {@code seen}.
     */
    static void topology(StreamsBuilder builder, EventTime eventTime, Stage stage, List<Seen> seen) {
        KStream<String, String> in = builder.stream(stage.input(), Consumed.with(Serdes.String(), Serdes.String())
                .withTimestampExtractor((record, partitionTime) -> {
                    long time = Long.parseLong(((String) record.value()).split("@")[1]);
                    InternalHeaders.rememberPartitionTime(record.headers(), Math.max(partitionTime, time));
                    return time;
                }).withName("source"));
        KStream<String, String> received = eventTime.receive(
                eventTime.sendKeyedBy(in, stage, (key, value) -> value.split("@")[0], Serdes.String(), TOPIC),
                "receive", stage);
        received.process(() -> new Processor<String, String, Void, Void>() {
            @Override
            public void process(Record<String, String> record) {
                seen.add(new Seen(record.key(), record.value(), record.timestamp(), Stamp.of(record.headers()),
                        InternalHeaders.originKey(record.headers(), record.key()),
                        record.headers().lastHeader(InternalHeaders.PARTITION_TIME) != null));
            }
        }, Named.as("capture"));
    }

    private Properties settings() {
        return TopologyDriver.settings(APP, StreamworksProperties.defaults(),
                new StreamworksMetrics(new SimpleMeterRegistry(), TestTimes.CLOCK), stateDir);
    }

    /** The first key (k0, k1, ...) the producer places in {@code partition} of {@code partitions}. */
    static String keyIn(int partition, int partitions, int skip) {
        return IntStream.range(0, 10_000).mapToObj(i -> "k" + i)
                .filter(key -> HeartbeatPartitioner.partitionOf(key, partitions) == partition)
                .skip(skip).findFirst().orElseThrow();
    }

    private List<Seen> drive(EventTime eventTime, Stage stage, List<String[]> records) {
        List<Seen> seen = new ArrayList<>();
        driver = new TopologyTestDriver(topology(eventTime, stage, seen).build(), settings(), T0);
        TestInputTopic<String, String> in = driver.createInputTopic(stage.input(), new StringSerializer(),
                new StringSerializer());
        for (String[] record : records) {
            in.pipeInput(record[0], record[1], T0.minusSeconds(3600));
        }
        return seen;
    }

    private List<String> repartitioned() {
        // the topic holds batches: each record in them, in order
        return driver.createOutputTopic(REPARTITION, new StringDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList().stream().flatMap(batch -> HopBatch.read(batch.value()).stream())
                .filter(record -> record.value() != null)
                .map(record -> new String(record.key(), StandardCharsets.UTF_8) + "="
                        + new String(record.value(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    @DisplayName("only input stages that ask for it, whose input is as wide as the repartition topic")
    void shouldTakeTheLocalHopOnlyWherePartitionCountsMatch() {
        EventTime eventTime = eventTime(Map.of("wide", 6, "narrow", 3));

        assertThat(eventTime.repartitionPartitions()).isEqualTo(6);
        assertThat(eventTime.localHop(Stage.input(1, "wide").withLocalHop())).isTrue();
        assertThat(eventTime.localHop(Stage.input(2, "narrow").withLocalHop())).as("3 partitions, not 6").isFalse();
        assertThat(eventTime.localHop(Stage.input(1, "wide"))).as("not asked for").isFalse();
        EventTime narrowRepartitions = new EventTime(EventTimeSettings.defaults(), topic -> 6, LagProbe.NONE,
                List.of("wide"), null, 1);
        assertThat(narrowRepartitions.localHop(Stage.input(1, "wide").withLocalHop()))
                .as("a repartition topic narrower than the input").isFalse();
    }

    @Test
    void shouldPutTheInputSourceAndTheReceiverInOneSubTopologyOnlyWithALocalHop() {
        Stage local = Stage.input(1, "in").withLocalHop();
        Stage through = Stage.input(1, "in");

        Set<TopologyDescription.Subtopology> merged = topology(eventTime(Map.of("in", 6)), local, new ArrayList<>())
                .build().describe().subtopologies();
        Set<TopologyDescription.Subtopology> split = topology(eventTime(Map.of("in", 6)), through, new ArrayList<>())
                .build().describe().subtopologies();

        assertThat(merged).hasSize(1);
        assertThat(nodes(merged.iterator().next())).contains("source", TOPIC + "-send", TOPIC + "-repartition-filter",
                TOPIC + "-repartition-sink", TOPIC + "-repartition-source", TOPIC + "-unpack", TOPIC + "-decode",
                TOPIC + "-local", "receive", "capture");
        assertThat(merged.iterator().next().nodes()).filteredOn(node -> node.name().equals(TOPIC + "-send"))
                .singleElement().satisfies(node -> assertThat(((TopologyDescription.Processor) node).stores())
                        .containsExactlyInAnyOrder(EventTime.partitionTimeStore(TOPIC), EventTime.hopBufferStore(TOPIC)));
        assertThat(split).hasSize(2);
        assertThat(split).allSatisfy(subtopology -> assertThat(nodes(subtopology)).doesNotContain(TOPIC + "-local"));
    }

    private static Set<String> nodes(TopologyDescription.Subtopology subtopology) {
        return subtopology.nodes().stream().map(TopologyDescription.Node::name).collect(Collectors.toSet());
    }

    @Test
    void shouldHandRecordsThatStayInTheirPartitionToTheReceiverAndSendTheRestThroughTheTopic() {
        // the driver runs partition 0 of two: keys of partition 0 stay, keys of partition 1 travel
        EventTime eventTime = eventTime(Map.of("in", 2));
        String stays = keyIn(0, 2, 0);
        String travels = keyIn(1, 2, 0);

        List<Seen> seen = drive(eventTime, Stage.input(1, "in").withLocalHop(), List.of(
                new String[]{"input-key-1", stays + "@" + T0.plusSeconds(10).toEpochMilli()},
                new String[]{"input-key-2", travels + "@" + T0.plusSeconds(20).toEpochMilli()},
                new String[]{stays, stays + "@" + T0.plusSeconds(5).toEpochMilli()}));

        assertThat(repartitioned()).as("only the record for partition 1 is written")
                .containsExactly(travels + "=" + travels + "@" + T0.plusSeconds(20).toEpochMilli());
        assertThat(seen).extracting(Seen::key).containsExactly(stays, travels, stays);
        assertThat(seen).extracting(Seen::originKey).containsExactly("input-key-1", "input-key-2", stays);
        assertThat(seen).extracting(seen1 -> seen1.stamp().rwm())
                .as("each stamped with its partition's stream time when read, whichever path")
                .containsExactly(T0.plusSeconds(10).toEpochMilli(), T0.plusSeconds(20).toEpochMilli(),
                        T0.plusSeconds(20).toEpochMilli());
        assertThat(seen).extracting(seen1 -> seen1.stamp().channel()).containsOnly(Stage.input(1, "in").channel(0));
        assertThat(seen).extracting(Seen::partitionTime).as("the extractor's header goes no further").containsOnly(false);
    }

    @Test
    void shouldReceiveEveryRecordExactlyAsThroughTheTopic() {
        // one partition: every record and heartbeat stays local; the same input without the hop goes
        // through the topic, and the receiver's children must see the same records
        List<String[]> records = new ArrayList<>();
        long[] offsets = {0, 40, 20, 60, 5, 600, 30, 900, 1200, 100};
        for (int i = 0; i < offsets.length; i++) {
            records.add(new String[]{"in-" + i, keyIn(0, 1, i % 3) + "@" + T0.plusSeconds(offsets[i]).toEpochMilli()});
        }

        List<Seen> local = drive(eventTime(Map.of("in", 1)), Stage.input(1, "in").withLocalHop(), records);
        List<String> written = repartitioned();
        int localWatermarkChanges = changes(local);
        close();
        List<Seen> through = drive(eventTime(Map.of("in", 1)), Stage.input(1, "in"), records);

        assertThat(written).as("nothing written to the repartition topic").isEmpty();
        assertThat(repartitioned()).hasSize(records.size());
        assertThat(local).isEqualTo(through);
        assertThat(localWatermarkChanges).isEqualTo(changes(through)).isPositive();
    }

    private static int changes(List<Seen> seen) {
        return (int) seen.stream().mapToLong(s -> s.stamp().wm()).distinct().count();
    }

    @Test
    void shouldRememberThePartitionTimeTheExtractorIsGiven() {
        ConsumerRecord<Object, Object> record = new ConsumerRecord<>("in", 0, 0, "k", null);

        long time = new EventTimeExtractor().extract(record, T0.toEpochMilli());

        assertThat(time).as("no event: the record's own timestamp").isEqualTo(record.timestamp());
        assertThat(InternalHeaders.partitionTime(record.headers())).isEqualTo(T0.toEpochMilli());
    }
}
