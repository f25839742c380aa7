package dev.streamworks.cdc.processor;

import dev.streamworks.cdc.domain.SourceChange;
import dev.streamworks.common.event.ChangeEvent;
import dev.streamworks.common.serde.Parsed;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Partitions the re-keyed changes: a row's changes by its primary key, exactly as Kafka's default
 * partitioner does (so interactive queries find the key where the metadata says), and a truncate
 * to every partition, since the table's rows are spread over all of them (KIP-837 multicast).
 */
public final class TruncateBroadcast implements StreamPartitioner<String, Parsed<SourceChange>> {

    /**
     * The key a truncate travels with. It concerns no row, and the table processor dispatches on
     * the operation, never on this key; it only has to be non-null, as Kafka Streams drops
     * null-key records on the way into a repartition topic.
     */
    public static final String TRUNCATE_KEY = "<truncate>";

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, Parsed<SourceChange> value, int numPartitions) {
        if (value != null && value.value().op() == ChangeEvent.Op.TRUNCATE) {
            return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toUnmodifiableSet()));
        }
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        return Optional.of(Set.of(Utils.toPositive(Utils.murmur2(bytes)) % numPartitions));
    }
}
