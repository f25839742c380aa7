package dev.streamworks.common.time;

import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The partitioner of a repartition topic with heartbeats: a heartbeat (a {@code null} value) goes to
 * the partitions its key lists, comma-separated, or to every partition when its key is
 * {@link #EVERY_PARTITION} (KIP-837 multicast); any other record is left to the producer's default
 * partitioner, the hash of its key, exactly where Kafka Streams' interactive queries look for it
 * and where {@link #partitionOf} says it goes.
 */
final class HeartbeatPartitioner<V> implements StreamPartitioner<String, V> {

    /** The key of a heartbeat to every partition. */
    static final String EVERY_PARTITION = "";

    private volatile Set<Integer> all = Set.of();

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, V value, int numPartitions) {
        if (value != null) {
            return Optional.empty();
        }
        if (key == null || key.equals(EVERY_PARTITION)) {
            Set<Integer> every = all;
            if (every.size() != numPartitions) {
                every = IntStream.range(0, numPartitions).boxed().collect(Collectors.toUnmodifiableSet());
                all = every;
            }
            return Optional.of(every);
        }
        Set<Integer> some = new HashSet<>();
        for (String partition : key.split(",")) {
            int p = Integer.parseInt(partition);
            if (p < numPartitions) {
                some.add(p);
            }
        }
        return Optional.of(some);
    }

    /**
     * The partition of {@code numPartitions} the producer's default partitioner gives a record with
     * this (String-serialized) key: murmur2 of its bytes; -1 for a {@code null} key.
     */
    static int partitionOf(String key, int numPartitions) {
        if (key == null) {
            return -1;
        }
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % numPartitions;
    }
}
