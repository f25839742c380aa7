package dev.streamworks.differential.ref;

import java.util.HashMap;
import java.util.Map;

/**
 * Partition stream times along the input: {@link #read} returns the read watermark of a valid
 * record (the partition's stream time right after it, docs/semantics.md section 1).
 */
final class Rwm {

    private final Map<String, Long> streamTime = new HashMap<>();

    long read(String topic, int partition, long eventTime) {
        return streamTime.merge(topic + "/" + partition, eventTime, Math::max);
    }

    /** The largest partition stream time over the partitions of {@code topic} (Long.MIN_VALUE when none). */
    long largest(String topic) {
        return streamTime.entrySet().stream().filter(e -> e.getKey().startsWith(topic + "/"))
                .mapToLong(Map.Entry::getValue).max().orElse(Long.MIN_VALUE);
    }
}
