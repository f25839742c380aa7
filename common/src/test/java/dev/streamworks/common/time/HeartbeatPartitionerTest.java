package dev.streamworks.common.time;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Where heartbeats and records of a repartition topic go. */
class HeartbeatPartitionerTest {

    private final HeartbeatPartitioner<String> partitioner = new HeartbeatPartitioner<>();

    @Test
    void aRecordGoesWhereTheProducersDefaultPartitionerPutsItsKey() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        StringSerializer keys = new StringSerializer();
        for (int i = 0; i < 2_000; i++) {
            String key = random.nextInt(3) == 0 ? "user-" + random.nextInt(10_000) : randomText(random);
            int partitions = 1 + random.nextInt(32);
            assertThat(HeartbeatPartitioner.partitionOf(key, partitions)).as("seed %d, key %s", seed, key)
                    .isEqualTo(BuiltInPartitioner.partitionForKey(keys.serialize("t", key), partitions));
            assertThat(partitioner.partitions("t", key, "value", partitions)).as("left to the producer").isEmpty();
        }
    }

    @Test
    void aHeartbeatGoesToThePartitionsItsKeyListsOrToEveryOne() {
        assertThat(partitioner.partitions("t", "1,4", null, 6)).contains(Set.of(1, 4));
        assertThat(partitioner.partitions("t", "5", null, 6)).contains(Set.of(5));
        assertThat(partitioner.partitions("t", HeartbeatPartitioner.EVERY_PARTITION, null, 3)).contains(Set.of(0, 1, 2));
        assertThat(partitioner.partitions("t", HeartbeatPartitioner.EVERY_PARTITION, null, 4)).as("after the topic grew")
                .contains(Set.of(0, 1, 2, 3));
        assertThat(partitioner.partitions("t", "2,7", null, 4)).as("a partition the topic no longer has")
                .isEqualTo(Optional.of(Set.of(2)));
        assertThat(HeartbeatPartitioner.partitionOf(null, 6)).isEqualTo(-1);
    }

    private static String randomText(Random random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(12);
        for (int i = 0; i < length; i++) {
            text.appendCodePoint(random.nextInt(4) == 0 ? 0x4e00 + random.nextInt(500) : 'a' + random.nextInt(26));
        }
        return text.toString();
    }
}
