package dev.streamworks.common.ops;

import dev.streamworks.common.time.LagProbe;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The consumer lag of each input partition, from the Kafka Streams client's own metrics
 * ({@code records-lag} of the main consumers; the restore consumer is not input). Read at most
 * every half second: it is asked once per heartbeat of every task.
 */
public final class ConsumerLag implements LagProbe {

    private static final long REFRESH_MS = 500;

    private final Supplier<Map<MetricName, ? extends Metric>> metrics;
    private final Clock clock;
    private volatile Map<String, Long> lags = Map.of();
    private volatile long readAtMs = Long.MIN_VALUE;

    public ConsumerLag(Supplier<Map<MetricName, ? extends Metric>> metrics, Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public long lag(String topic, int partition) {
        long now = clock.millis();
        if (now - readAtMs >= REFRESH_MS) {
            lags = read(metrics.get());
            readAtMs = now;
        }
        return lags.getOrDefault(topic + "-" + partition, -1L);
    }

    /** Sum of {@code records-lag} over the main consumers, by {@code topic-partition}. */
    static Map<String, Long> read(Map<MetricName, ? extends Metric> metrics) {
        Map<String, Long> result = new HashMap<>();
        for (Map.Entry<MetricName, ? extends Metric> entry : metrics.entrySet()) {
            MetricName name = entry.getKey();
            Map<String, String> tags = name.tags();
            if (name.group().equals("consumer-fetch-manager-metrics") && name.name().equals("records-lag")
                    && tags.containsKey("partition") && tags.containsKey("topic")
                    && !tags.getOrDefault("client-id", "").endsWith("restore-consumer")
                    && entry.getValue().metricValue() instanceof Number value && Double.isFinite(value.doubleValue())) {
                result.merge(tags.get("topic") + "-" + tags.get("partition"), Math.max(0, value.longValue()), Long::sum);
            }
        }
        return result;
    }
}
