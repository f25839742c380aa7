package dev.streamworks.common.time;

import dev.streamworks.common.config.StreamworksProperties;
import dev.streamworks.common.streams.Topics;
import dev.streamworks.common.testing.KafkaBroker;
import dev.streamworks.common.testing.KafkaClients;
import dev.streamworks.common.testing.TestTimes;
import dev.streamworks.common.testing.TopologyDriver;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A batched hop on a real broker under exactly-once, across two rebalances (a second instance
 * joins mid-stream, then the first leaves): every record reaches the receiver's side exactly once
 * with the stamp it would have had alone (its read watermark), records share batches in the
 * topic, and a record that makes a processor after the receiver throw is dead-lettered alone, as
 * its input, while the rest of its batch goes on. Compared with a reference computed from the
 * seeded input.
 */
@Tag("integration")
@Timeout(300)
class BatchedHopIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int PARTITIONS = 3;
    private static final int RECORDS = 3_000;
    private static final String POISON = "poison";

    @TempDir
    Path stateDir;

    @Test
    void shouldDeliverEveryRecordOnceWithItsStampAcrossRebalancesAndDeadLetterOnlyTheOneThatFails() throws Exception {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        String input = "batch-in-" + UUID.randomUUID();
        String output = "batch-out-" + UUID.randomUUID();
        String app = "batched-hop-it-" + UUID.randomUUID();
        String repartition = app + "-" + LocalHopTest.TOPIC + "-repartition";
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        Stage stage = Stage.input(1, input);

        // the reference: per input record, its read watermark (its partition's stream time when read)
        // and whether it is poison; values "key@event-ms@index[@poison]"
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        List<ProducerRecord<String, String>> poisoned = new ArrayList<>();
        long[] streamTime = new long[PARTITIONS];
        java.util.Arrays.fill(streamTime, Long.MIN_VALUE);
        for (int i = 0; i < RECORDS; i++) {
            int partition = random.nextInt(PARTITIONS);
            String key = "user-" + random.nextInt(50);
            long time = TestTimes.T0.toEpochMilli() + i * 100L - random.nextInt(20_000);
            boolean poison = random.nextInt(200) == 0;
            String value = key + "@" + time + "@" + i + (poison ? "@" + POISON : "");
            ProducerRecord<String, String> record = new ProducerRecord<>(input, partition, time, "input-" + i, value);
            records.add(record);
            streamTime[partition] = Math.max(streamTime[partition], time);
            if (poison) {
                poisoned.add(record);
            } else {
                expected.add(value + "|rwm=" + streamTime[partition]);
            }
        }

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
             KafkaClients kafka = new KafkaClients(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(input, PARTITIONS, (short) 1), new NewTopic(output, 1, (short) 1),
                    new NewTopic(Topics.deadLetter(app), 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            try (KafkaClients.Reader outputs = kafka.reader(output);
                 KafkaClients.Reader deadLetters = kafka.reader(Topics.deadLetter(app));
                 HopReader hop = new HopReader(bootstrap, repartition)) {
                KafkaStreams first = start(app, bootstrap, stage, output, "a");
                KafkaStreams second = null;
                try {
                    for (int i = 0; i < RECORDS / 3; i++) {
                        kafka.send(records.get(i));
                    }
                    await().atMost(WAIT).until(() -> outputs.poll().size() >= RECORDS / 6);
                    second = start(app, bootstrap, stage, output, "b"); // a rebalance mid-stream
                    for (int i = RECORDS / 3; i < 2 * RECORDS / 3; i++) {
                        kafka.send(records.get(i));
                    }
                    await().atMost(WAIT).until(() -> outputs.poll().size() >= RECORDS / 2);
                    // and another: its tasks commit and move (leaving the group, not waiting out its session)
                    first.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                            .withTimeout(Duration.ofSeconds(60)));
                    for (int i = 2 * RECORDS / 3; i < RECORDS; i++) {
                        kafka.send(records.get(i));
                    }
                    try {
                        await().atMost(WAIT).until(() -> outputs.poll().size() >= expected.size()
                                && deadLetters.poll().size() >= poisoned.size());
                    } catch (ConditionTimeoutException e) {
                        // the assertions below say what is missing
                    }
                } finally {
                    first.close(Duration.ofSeconds(60));
                    if (second != null) {
                        second.close(Duration.ofSeconds(60));
                    }
                }

                assertThat(outputs.poll()).extracting(ConsumerRecord::value).as("seed %d", seed)
                        .containsExactlyInAnyOrderElementsOf(expected);
                assertThat(deadLetters.poll()).as("seed %d", seed).hasSameSizeAs(poisoned)
                        .allSatisfy(dead -> {
                            ProducerRecord<String, String> in = poisoned.stream()
                                    .filter(p -> p.value().equals(dead.value())).findFirst().orElseThrow();
                            assertThat(dead.key()).as("the input's key").isEqualTo(in.key());
                            assertThat(dead.timestamp()).isEqualTo(in.timestamp());
                            assertThat(dead.headers().lastHeader("__streams.errors.exception")).isNotNull();
                            assertThat(dead.headers()).noneMatch(h -> h.key().startsWith(InternalHeaders.PREFIX));
                        });
                await().atMost(WAIT).untilAsserted(() -> assertThat(hop.poll().stream().filter(r -> r.value() != null)
                        .count()).as("every record once in the topic, seed %d", seed).isEqualTo(RECORDS));
                List<HopReader.Unpacked> inner = hop.poll();
                long batches = inner.stream().map(r -> r.partition() + "/" + r.offset()).distinct().count();
                assertThat(batches).as("records share batches, seed %d", seed).isLessThan(RECORDS / 2);
            }
        }
    }

    private KafkaStreams start(String app, String bootstrap, Stage stage, String output, String instance) {
        Properties settings = TopologyDriver.settings(app, StreamworksProperties.defaults(), (s, error) -> { },
                stateDir.resolve(instance));
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        settings.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        StreamsBuilder builder = TopologyDriver.builder(settings);
        EventTime eventTime = LocalHopTest.eventTime(Map.of(stage.input(), PARTITIONS));
        KStream<String, String> in = builder.stream(stage.input(), Consumed.with(Serdes.String(), Serdes.String())
                .withTimestampExtractor((record, partitionTime) -> {
                    InternalHeaders.rememberOriginTimestamp(record.headers(), record.timestamp());
                    return Long.parseLong(((String) record.value()).split("@")[1]);
                }).withName("source"));
        eventTime.receive(eventTime.sendKeyedBy(in, stage, (key, value) -> value.split("@")[0], Serdes.String(),
                        LocalHopTest.TOPIC), "receive", stage)
                .process(() -> new Processor<String, String, String, String>() {
                    private ProcessorContext<String, String> context;

                    @Override
                    public void init(ProcessorContext<String, String> context) {
                        this.context = context;
                    }

                    @Override
                    public void process(Record<String, String> record) {
                        if (record.value().endsWith(POISON)) {
                            throw new IllegalStateException("cannot take " + record.value());
                        }
                        context.forward(record.withValue(record.value() + "|rwm=" + Stamp.of(record.headers()).rwm())
                                .withHeaders(new RecordHeaders()));
                    }
                }, Named.as("judge"))
                .to(output, Produced.with(Serdes.String(), Serdes.String()).withName("out"));
        KafkaStreams streams = new KafkaStreams(builder.build(), settings);
        streams.start();
        return streams;
    }
}
