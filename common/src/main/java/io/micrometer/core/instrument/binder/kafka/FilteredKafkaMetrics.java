package io.micrometer.core.instrument.binder.kafka;

import io.micrometer.core.instrument.Tag;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Micrometer's Kafka binder over the metrics {@code keep} accepts. In Micrometer's package only
 * because {@link KafkaMetrics}' constructors are package-private; the naming and the refresh are
 * Micrometer's own. Used by {@code dev.streamworks.common.ops.StreamsMeters} to keep Kafka
 * Streams 4.4's {@code uncommitted-bytes} store gauge out of every scrape: read after its store
 * closed, it dereferences a freed RocksDB write batch and crashes the JVM (SIGSEGV in
 * {@code WriteBatch.getDataSize}).
 */
public final class FilteredKafkaMetrics extends KafkaMetrics {

    public FilteredKafkaMetrics(Supplier<Map<MetricName, ? extends Metric>> metrics, Predicate<MetricName> keep,
                                Iterable<Tag> tags) {
        super(() -> metrics.get().entrySet().stream().filter(entry -> keep.test(entry.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), tags);
    }
}
