package dev.streamworks.common.ops;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Tells when processing is stuck: the client is {@code RUNNING}, the partitions this instance
 * consumes have lag, and none of their committed offsets moved for {@code stuckAfter}. A record
 * that kills its stream thread on every attempt looks exactly like that (the thread is replaced,
 * reads the record again, dies again) while the client stays {@code RUNNING}; readiness must not
 * say UP then. Stuck, readiness goes DOWN ({@link StreamsState#stuck}), a log line says why, and
 * {@code streamworks_streams_stuck} is 1.
 *
 * <p>Progress is judged by committed offsets, not by per-thread counters, which start again at
 * zero with every replaced thread. The lag is the main consumers' {@code records-lag}
 * (read_committed under exactly-once, so transaction markers are not lag).
 */
public final class StuckDetector {

    private static final Logger log = LoggerFactory.getLogger(StuckDetector.class);

    private final Supplier<KafkaStreams.State> clientState;
    private final Supplier<Map<MetricName, ? extends Metric>> metrics;
    private final Function<Set<TopicPartition>, Map<TopicPartition, Long>> committed;
    private final StreamsState state;
    private final Duration stuckAfter;
    private final Clock clock;

    private Map<TopicPartition, Long> lastCommitted = Map.of();
    private Instant lastProgress;

    /**
     * @param committed the group's committed offsets of the given partitions (an Admin call)
     */
    public StuckDetector(Supplier<KafkaStreams> streams, Function<Set<TopicPartition>, Map<TopicPartition, Long>> committed,
                         StreamsState state, Duration stuckAfter, Clock clock) {
        this(() -> streams.get() == null ? null : streams.get().state(),
                () -> streams.get() == null ? Map.of() : streams.get().metrics(), committed, state, stuckAfter, clock);
    }

    StuckDetector(Supplier<KafkaStreams.State> clientState, Supplier<Map<MetricName, ? extends Metric>> metrics,
                  Function<Set<TopicPartition>, Map<TopicPartition, Long>> committed,
                  StreamsState state, Duration stuckAfter, Clock clock) {
        this.clientState = clientState;
        this.metrics = metrics;
        this.committed = committed;
        this.state = state;
        this.stuckAfter = stuckAfter;
        this.clock = clock;
    }

    /** One look: called every progress interval. */
    public synchronized void sample() {
        Instant now = clock.instant();
        KafkaStreams.State current = clientState.get();
        // a thread that dies on a record is replaced and rejoins: the client goes through
        // REBALANCING on every attempt, so that state is judged too
        if (current != KafkaStreams.State.RUNNING && current != KafkaStreams.State.REBALANCING) {
            reset(now);
            return;
        }
        Map<TopicPartition, Double> lag = lag(metrics.get());
        double total = lag.values().stream().mapToDouble(Double::doubleValue).sum();
        // no lag figures for a moment (a replaced thread has not fetched yet): judge the partitions seen last
        Set<TopicPartition> partitions = lag.isEmpty() ? lastCommitted.keySet() : lag.keySet();
        if (!lag.isEmpty() && total <= 0 || partitions.isEmpty()) {
            reset(now);
            return;
        }
        Map<TopicPartition, Long> offsets = committed.apply(partitions);
        if (!offsets.equals(lastCommitted)) {
            lastCommitted = offsets;
            lastProgress = now;
            clear();
            return;
        }
        Duration still = Duration.between(lastProgress, now);
        if (still.compareTo(stuckAfter) >= 0 && state.stuckReason() == null) {
            String reason = String.format("%.0f records of lag on %s and no offset committed for %ds "
                    + "(streamworks.stuck-after %s): a record failing on every attempt, or a restore that long",
                    total, partitions, still.toSeconds(), stuckAfter);
            log.error("Processing is stuck: {}; readiness is DOWN until offsets move again", reason);
            state.stuck(reason);
        }
    }

    private void reset(Instant now) {
        lastCommitted = Map.of();
        lastProgress = now;
        clear();
    }

    private void clear() {
        if (state.stuckReason() != null) {
            log.info("Processing moves again: committed offsets advanced; readiness follows the Streams state");
            state.stuck(null);
        }
    }

    /** The main consumers' lag per partition (the restore and global consumers left out). */
    static Map<TopicPartition, Double> lag(Map<MetricName, ? extends Metric> metrics) {
        Map<TopicPartition, Double> lag = new HashMap<>();
        metrics.forEach((name, metric) -> {
            Map<String, String> tags = name.tags();
            String client = tags.getOrDefault("client-id", "");
            if (name.name().equals("records-lag") && name.group().equals("consumer-fetch-manager-metrics")
                    && tags.containsKey("topic") && tags.containsKey("partition")
                    && !client.endsWith("-restore-consumer") && !client.endsWith("-global-consumer")
                    && metric.metricValue() instanceof Double value && Double.isFinite(value)) {
                lag.merge(new TopicPartition(tags.get("topic"), Integer.parseInt(tags.get("partition"))),
                        Math.max(0, value), Double::sum);
            }
        });
        return lag;
    }
}
