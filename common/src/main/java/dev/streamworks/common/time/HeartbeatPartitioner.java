package dev.streamworks.common.time;

import org.apache.kafka.streams.processor.StreamPartitioner;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The partitioner of a repartition topic with heartbeats: a heartbeat (a {@code null} value) goes to
 * every partition (KIP-837 multicast); any other record is left to the producer's default
 * partitioner, the hash of its key, exactly where Kafka Streams' interactive queries look for it.
 */
final class HeartbeatPartitioner<V> implements StreamPartitioner<String, V> {

    static final String HEARTBEAT_KEY = "";

    private volatile Set<Integer> all = Set.of();

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, V value, int numPartitions) {
        if (value != null) {
            return Optional.empty();
        }
        Set<Integer> every = all;
        if (every.size() != numPartitions) {
            every = IntStream.range(0, numPartitions).boxed().collect(Collectors.toUnmodifiableSet());
            all = every;
        }
        return Optional.of(every);
    }
}
