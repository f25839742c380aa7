package dev.streamworks.common.time;

import org.apache.kafka.streams.processor.StreamPartitioner;

import java.util.Optional;
import java.util.Set;

/**
 * The partitioner of a repartition topic written in {@link HopBatch batches}: a batch's key is the
 * number of the partition whose records it holds (the sender chose it as the producer's default
 * partitioner would have chosen each record's, {@link HeartbeatPartitioner#partitionOf}). A
 * TopologyTestDriver, which runs every topic with one partition, gets every batch in that one.
 */
final class HopPartitioner implements StreamPartitioner<String, byte[]> {

    private volatile Set<Integer>[] single;

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, byte[] value, int numPartitions) {
        // beyond the topic's partitions only where a TopologyTestDriver runs every topic with one
        int partition = Integer.parseInt(key) % numPartitions;
        Set<Integer>[] sets = single;
        if (sets == null || sets.length != numPartitions) {
            @SuppressWarnings("unchecked")
            Set<Integer>[] made = new Set[numPartitions];
            for (int p = 0; p < numPartitions; p++) {
                made[p] = Set.of(p);
            }
            single = sets = made;
        }
        return Optional.of(sets[partition]);
    }
}
