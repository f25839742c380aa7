package dev.streamworks.common.time;

import dev.streamworks.common.config.StreamworksProperties;
import dev.streamworks.common.testing.KafkaBroker;
import dev.streamworks.common.testing.KafkaClients;
import dev.streamworks.common.testing.TestTimes;
import dev.streamworks.common.testing.TopologyDriver;
import dev.streamworks.common.time.LocalHopTest.Seen;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The local hop on a real broker, two input partitions: the tasks that read an input partition and
 * the repartition partition of the same number take the records that stay straight to the receiver
 * and write only the others to the topic; after a restart, the heartbeats the senders send before
 * their first record carry the partition time they kept.
 */
@Tag("integration")
@Timeout(240)
class LocalHopIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int PARTITIONS = 2;

    @TempDir
    Path stateDir;

    @Test
    void shouldWriteOnlyTheRecordsThatMoveAndKeepEachPartitionsTimeAcrossARestart() throws Exception {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        String input = "hop-in-" + UUID.randomUUID();
        String app = "local-hop-it-" + UUID.randomUUID();
        String repartition = app + "-" + LocalHopTest.TOPIC + "-repartition";
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        Stage stage = Stage.input(1, input).withLocalHop();
        // per input partition: records whose key stays there and records whose key moves, out of order
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        List<String> moving = new ArrayList<>();
        long[] streamTime = {Long.MIN_VALUE, Long.MIN_VALUE};
        List<Long> rwms = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int partition = i % PARTITIONS;
            boolean moves = random.nextBoolean();
            String key = LocalHopTest.keyIn(moves ? 1 - partition : partition, PARTITIONS, random.nextInt(4));
            long time = TestTimes.T0.toEpochMilli() + i * 1000L - random.nextInt(5_000);
            String value = key + "@" + time + "@" + i;
            records.add(new ProducerRecord<>(input, partition, "input-" + i, value));
            streamTime[partition] = Math.max(streamTime[partition], time);
            rwms.add(streamTime[partition]);
            if (moves) {
                moving.add(value);
            }
        }
        assertThat(moving).as("seed %d", seed).isNotEmpty().hasSizeLessThan(records.size());

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
             KafkaClients kafka = new KafkaClients(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(input, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
            records.forEach(kafka::send);

            List<Seen> seen = new CopyOnWriteArrayList<>();
            KafkaStreams first = start(app, bootstrap, stage, seen);
            try {
                await().atMost(WAIT).until(() -> seen.size() == records.size());
            } finally {
                first.close(Duration.ofSeconds(60));
            }
            assertThat(seen).extracting(Seen::value).as("seed %d", seed)
                    .containsExactlyInAnyOrderElementsOf(records.stream().map(ProducerRecord::value).toList());
            for (Seen record : seen) {
                int index = records.stream().map(ProducerRecord::value).toList().indexOf(record.value());
                assertThat(record.stamp().rwm()).as("%s, seed %d", record, seed).isEqualTo(rwms.get(index));
                assertThat(record.originKey()).isEqualTo(records.get(index).key());
            }
            try (HopReader reader = new HopReader(bootstrap, repartition)) {
                await().atMost(WAIT).untilAsserted(() -> assertThat(reader.poll().stream()
                        .filter(record -> record.value() != null).map(HopReader.Unpacked::value).toList())
                        .as("only the records that move are written, seed %d", seed)
                        .containsExactlyInAnyOrderElementsOf(moving));
                Map<TopicPartition, Long> ends = new HashMap<>();
                admin.listOffsets(Map.of(new TopicPartition(repartition, 1), OffsetSpec.latest())).all()
                        .get(30, TimeUnit.SECONDS).forEach((partition, info) -> ends.put(partition, info.offset()));

                // restarted without new input: task 0's first heartbeats, to partition 1 through the
                // topic, carry partition 0's time, kept in the sender's store
                KafkaStreams second = start(app, bootstrap, stage, seen);
                try {
                    await().atMost(WAIT).untilAsserted(() -> assertThat(reader.poll().stream()
                                    .filter(record -> record.partition() == 1
                                            && record.offset() >= ends.get(new TopicPartition(repartition, 1)))
                                    .map(HopReader.Unpacked::stamp)
                                    .filter(stamp -> stamp != null && stamp.heartbeat()
                                            && stamp.channel() == stage.channel(0)))
                            .as("heartbeats of channel 0 after the restart, seed %d", seed)
                            .isNotEmpty().allSatisfy(stamp -> assertThat(stamp.wm()).isEqualTo(streamTime[0])));
                } finally {
                    second.close(Duration.ofSeconds(60));
                }
            }
        }
    }

    private KafkaStreams start(String app, String bootstrap, Stage stage, List<Seen> seen) {
        Properties settings = TopologyDriver.settings(app, StreamworksProperties.defaults(), (s, error) -> { }, stateDir);
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        StreamsBuilder builder = TopologyDriver.builder(settings);
        LocalHopTest.topology(builder, LocalHopTest.eventTime(Map.of(stage.input(), PARTITIONS)), stage, seen);
        KafkaStreams streams = new KafkaStreams(builder.build(), settings);
        streams.start();
        return streams;
    }
}
