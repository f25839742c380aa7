package dev.streamworks.common.ops;

import org.apache.kafka.common.Metric;
import dev.streamworks.common.streams.BoundedRocksDbMemory;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Measures progress the way Spark reports {@code lastProgress}: every interval it takes the
 * difference of the counters since the last measurement. The input rate is what arrived on the
 * input partitions (records processed plus the growth of the consumer lag); the processing rate
 * is what was processed. Store figures come from Kafka Streams' RocksDB metrics; commits and
 * durations from its thread metrics, records written from its producers' topic metrics, offsets
 * from its tasks' metadata. The last {@code history} measurements are kept (Spark's
 * {@code recentProgress}).
 */
public final class ProgressReporter {

    private static final String STATE_GROUP = "stream-state-metrics";
    private static final String THREAD_GROUP = "stream-thread-metrics";
    /** A store's own memory: its memtables, table readers and, without a shared pool, its block cache. */
    private static final List<String> STORE_MEMORY = List.of("size-all-mem-tables", "estimate-table-readers-mem",
            "block-cache-usage");

    private final String id;
    private final String name;
    private final String runId = UUID.randomUUID().toString();
    private final Supplier<Map<MetricName, ? extends Metric>> kafkaMetrics;
    private final StreamsState state;
    private final StreamworksMetrics metrics;
    private final Supplier<Map<String, Long>> watermarks;
    private final long maxStateRows;
    private final double fallingBehindRatio;
    private final Supplier<Map<TopicPartition, PartitionOffsets>> offsets;
    private final List<String> inputs;
    private final List<String> outputs;
    private final int history;

    private final Set<String> storesWithGauges = ConcurrentHashMap.newKeySet();
    private final ArrayDeque<Progress> recent = new ArrayDeque<>();
    private Sample last;
    private volatile Progress latest;

    /** A partition's offset last committed by this instance, and its end offset as the consumer last saw it. */
    public record PartitionOffsets(long committed, long end) {
    }

    /**
     * @param kafkaMetrics the Kafka Streams client's metrics ({@code KafkaStreams#metrics()}), empty
     *                     before it starts
     * @param watermarks   the watermark of each output with event time (epoch ms), as far as known
     */
    public ProgressReporter(String id, String name, Supplier<Map<MetricName, ? extends Metric>> kafkaMetrics,
                            StreamsState state,
                            StreamworksMetrics metrics, Supplier<Map<String, Long>> watermarks, long maxStateRows,
                            double fallingBehindRatio) {
        this(id, name, kafkaMetrics, Map::of, List.of(), List.of(), state, metrics, watermarks, maxStateRows,
                fallingBehindRatio, 100);
    }

    /**
     * @param offsets the input partitions of this instance's active tasks, with their offsets
     * @param inputs  the service's input topics ({@code sources})
     * @param outputs the service's output topics ({@code sink})
     * @param history how many measurements {@link #recent()} keeps
     */
    public ProgressReporter(String id, String name, Supplier<Map<MetricName, ? extends Metric>> kafkaMetrics,
                            Supplier<Map<TopicPartition, PartitionOffsets>> offsets, List<String> inputs,
                            List<String> outputs, StreamsState state, StreamworksMetrics metrics,
                            Supplier<Map<String, Long>> watermarks, long maxStateRows, double fallingBehindRatio,
                            int history) {
        this.id = id;
        this.name = name;
        this.kafkaMetrics = kafkaMetrics;
        this.state = state;
        this.metrics = metrics;
        this.watermarks = watermarks;
        this.maxStateRows = maxStateRows;
        this.fallingBehindRatio = fallingBehindRatio;
        this.offsets = offsets;
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.history = Math.max(1, history);
        registerGauges(metrics.registry());
    }

    /**
     * The last measurement as gauges, for dashboards and alert rules: stable names, there from
     * the start (Kafka's own task and store meters appear only as tasks are assigned).
     */
    private void registerGauges(MeterRegistry registry) {
        Gauge.builder("streamworks.consumer.lag", this, r -> r.figure(Progress::consumerLag))
                .description("Records in the input partitions not yet read (sum of records-lag)").register(registry);
        Gauge.builder("streamworks.input.rows.per.second", this, r -> r.figure(Progress::inputRowsPerSecond))
                .description("Rate at which input arrived over the last progress interval").register(registry);
        Gauge.builder("streamworks.processed.rows.per.second", this, r -> r.figure(Progress::processedRowsPerSecond))
                .description("Rate at which input was processed over the last progress interval").register(registry);
        for (String warning : List.of(Progress.FALLING_BEHIND, Progress.LARGE_STATE)) {
            Gauge.builder("streamworks.progress.warning", this, r -> r.warningRaised(warning) ? 1 : 0)
                    .description("1 while /actuator/progress raises this warning").tag("warning", warning)
                    .register(registry);
        }
    }

    private double figure(java.util.function.ToDoubleFunction<Progress> figure) {
        Progress current = latest;
        return current == null ? 0 : figure.applyAsDouble(current);
    }

    private boolean warningRaised(String warning) {
        Progress current = latest;
        return current != null && current.warnings().contains(warning);
    }

    private double storeFigure(String store, boolean rows) {
        Progress current = latest;
        if (current == null) {
            return 0;
        }
        return current.stateOperators().stream().filter(operator -> operator.operatorName().equals(store))
                .mapToDouble(operator -> rows ? operator.numRowsTotal() : operator.memoryUsedBytes()).sum();
    }

    /** What the next measurement takes differences against. */
    private record Sample(long atMs, long rows, long lag, long late, long commits, long batchId,
                          Map<TopicPartition, Long> committed, Map<String, Long> sent) {
    }

    /** The last {@code history} measurements, oldest first (Spark's {@code recentProgress}). */
    public synchronized List<Progress> recent() {
        return List.copyOf(recent);
    }

    /** The last measurement, or a first one taken now. */
    public synchronized Progress latest() {
        if (latest == null) {
            measure();
        }
        return latest;
    }

    /** Takes a measurement: called every interval by the service's scheduler. */
    public synchronized Progress measure() {
        long now = metrics.clock().millis();
        Map<MetricName, ? extends Metric> kafkaMetrics = this.kafkaMetrics.get();
        long lag = consumerLag(kafkaMetrics);
        long rows = metrics.recordsIn() + metrics.deadLetters();
        long late = metrics.lateRecords();
        long commits = threadTotal(kafkaMetrics, "commit-total");
        Map<TopicPartition, PartitionOffsets> partitions = safeOffsets();
        Map<TopicPartition, Long> committed = new HashMap<>();
        partitions.forEach((partition, offset) -> committed.put(partition, offset.committed()));
        Map<String, Long> sent = recordsSent(kafkaMetrics);
        Sample previous = last != null ? last
                : new Sample(now, rows, lag, late, commits, commits, committed, sent);
        double seconds = Math.max(now - previous.atMs(), 1) / 1000.0;
        long numInputRows = rows - previous.rows();
        double processedRate = last == null ? 0 : numInputRows / seconds;
        double inputRate = last == null ? 0 : Math.max(0, numInputRows + lag - previous.lag()) / seconds;
        // a replaced stream thread starts its commit count again: only growth is counted
        long batchId = previous.batchId() + Math.max(0, commits - previous.commits());
        last = new Sample(now, rows, lag, late, commits, batchId, committed, sent);

        List<Progress.StateOperator> stores = stateOperators(kafkaMetrics);
        List<String> warnings = new ArrayList<>();
        if (lag > 0 && inputRate > processedRate * fallingBehindRatio) {
            warnings.add(Progress.FALLING_BEHIND);
        }
        if (stores.stream().mapToLong(Progress.StateOperator::numRowsTotal).sum() > maxStateRows) {
            warnings.add(Progress.LARGE_STATE);
        }
        for (Progress.StateOperator store : stores) {
            if (storesWithGauges.add(store.operatorName())) {
                Gauge.builder("streamworks.state.rows", this, r -> r.storeFigure(store.operatorName(), true))
                        .description("Rows in a state store (RocksDB's estimate)").tag("store", store.operatorName())
                        .register(metrics.registry());
                Gauge.builder("streamworks.state.memory", this, r -> r.storeFigure(store.operatorName(), false))
                        .description("Memory RocksDB holds for a state store").baseUnit("bytes")
                        .tag("store", store.operatorName()).register(metrics.registry());
            }
        }
        Map<String, Double> durations = new LinkedHashMap<>();
        for (String phase : List.of("commit", "process", "punctuate")) {
            durations.put(phase, round(threadAverage(kafkaMetrics, phase + "-latency-avg"), 100.0));
        }
        Map<String, Long> outputRows = new LinkedHashMap<>();
        for (String output : outputs) {
            outputRows.put(output, Math.max(0, sent.getOrDefault(output, 0L) - previous.sent().getOrDefault(output, 0L)));
        }
        latest = new Progress(id, runId, name, Instant.ofEpochMilli(now).toString(), numInputRows,
                round(inputRate), round(processedRate), eventTime(), stores, state.state().name(), lag,
                late, metrics.deadLetters(), List.copyOf(warnings), batchId, durations,
                sources(partitions, previous.committed()),
                new Progress.Sink(String.join(",", outputs), outputRows), Math.max(0, late - previous.late()),
                metrics.lateByOutput());
        recent.addLast(latest);
        while (recent.size() > history) {
            recent.removeFirst();
        }
        return latest;
    }

    private Map<TopicPartition, PartitionOffsets> safeOffsets() {
        try {
            return offsets.get();
        } catch (RuntimeException e) {
            // the client is starting, closing or between assignments: no offsets this time
            return Map.of();
        }
    }

    /** Each input topic: the committed offsets of this instance's partitions then and now, and its lag (end minus committed). */
    private List<Progress.Source> sources(Map<TopicPartition, PartitionOffsets> partitions,
                                          Map<TopicPartition, Long> before) {
        List<Progress.Source> sources = new ArrayList<>();
        for (String topic : inputs) {
            Map<String, Long> start = new TreeMap<>(Comparator.comparingInt(Integer::parseInt));
            Map<String, Long> end = new TreeMap<>(Comparator.comparingInt(Integer::parseInt));
            Map<String, Long> latestOffsets = new TreeMap<>(Comparator.comparingInt(Integer::parseInt));
            long lag = 0;
            long rows = 0;
            for (Map.Entry<TopicPartition, PartitionOffsets> entry : partitions.entrySet()) {
                TopicPartition partition = entry.getKey();
                if (!partition.topic().equals(topic)) {
                    continue;
                }
                String key = String.valueOf(partition.partition());
                long committed = entry.getValue().committed();
                long from = before.getOrDefault(partition, committed);
                start.put(key, from);
                end.put(key, committed);
                latestOffsets.put(key, entry.getValue().end());
                rows += Math.max(0, committed - from);
                lag += Math.max(0, entry.getValue().end() - committed);
            }
            sources.add(new Progress.Source(topic, start, end, latestOffsets, lag, rows));
        }
        return sources;
    }

    /** Records each topic received from this instance's producers so far ({@code record-send-total}). */
    private static Map<String, Long> recordsSent(Map<MetricName, ? extends Metric> kafkaMetrics) {
        Map<String, Long> sent = new HashMap<>();
        for (Map.Entry<MetricName, ? extends Metric> entry : kafkaMetrics.entrySet()) {
            MetricName metricName = entry.getKey();
            if (metricName.group().equals("producer-topic-metrics") && metricName.name().equals("record-send-total")
                    && metricName.tags().containsKey("topic")) {
                sent.merge(metricName.tags().get("topic"), (long) asDouble(entry.getValue()), Long::sum);
            }
        }
        return sent;
    }

    /** A stream-thread figure summed over the threads. */
    private static long threadTotal(Map<MetricName, ? extends Metric> kafkaMetrics, String name) {
        double total = 0;
        for (Map.Entry<MetricName, ? extends Metric> entry : kafkaMetrics.entrySet()) {
            MetricName metricName = entry.getKey();
            if (metricName.group().equals(THREAD_GROUP) && metricName.name().equals(name)) {
                total += asDouble(entry.getValue());
            }
        }
        return (long) total;
    }

    /** A stream-thread figure averaged over the threads that have a value. */
    private static double threadAverage(Map<MetricName, ? extends Metric> kafkaMetrics, String name) {
        double total = 0;
        int threads = 0;
        for (Map.Entry<MetricName, ? extends Metric> entry : kafkaMetrics.entrySet()) {
            MetricName metricName = entry.getKey();
            if (metricName.group().equals(THREAD_GROUP) && metricName.name().equals(name)
                    && entry.getValue().metricValue() instanceof Number value && Double.isFinite(value.doubleValue())) {
                total += value.doubleValue();
                threads++;
            }
        }
        return threads == 0 ? 0 : total / threads;
    }

    /** The largest event time read, the lowest output watermark, and each output's (docs/semantics.md). */
    private Progress.EventTime eventTime() {
        long max = metrics.maxEventTime();
        Map<String, String> byOutput = new TreeMap<>();
        watermarks.get().forEach((output, wm) -> byOutput.put(output, Instant.ofEpochMilli(wm).toString()));
        String lowest = watermarks.get().values().stream().min(Long::compare)
                .map(wm -> Instant.ofEpochMilli(wm).toString()).orElse(null);
        return new Progress.EventTime(max == Long.MIN_VALUE ? null : Instant.ofEpochMilli(max).toString(), lowest,
                byOutput);
    }

    /** Sum of {@code records-lag} over the main consumers' partitions (the restore consumer excluded). */
    private static long consumerLag(Map<MetricName, ? extends Metric> kafkaMetrics) {
        double lag = 0;
        for (Map.Entry<MetricName, ? extends Metric> entry : kafkaMetrics.entrySet()) {
            MetricName metricName = entry.getKey();
            if (metricName.group().equals("consumer-fetch-manager-metrics") && metricName.name().equals("records-lag")
                    && metricName.tags().containsKey("partition")
                    && !metricName.tags().getOrDefault("client-id", "").endsWith("restore-consumer")) {
                double value = asDouble(entry.getValue());
                if (value > 0) {
                    lag += value;
                }
            }
        }
        return (long) lag;
    }

    private static List<Progress.StateOperator> stateOperators(Map<MetricName, ? extends Metric> kafkaMetrics) {
        boolean sharedPool = BoundedRocksDbMemory.totalBytes() > 0;
        Map<String, long[]> byStore = new TreeMap<>();
        for (Map.Entry<MetricName, ? extends Metric> entry : kafkaMetrics.entrySet()) {
            MetricName metricName = entry.getKey();
            if (!metricName.group().equals(STATE_GROUP)) {
                continue;
            }
            String store = storeName(metricName.tags());
            if (store == null) {
                continue;
            }
            boolean rows = metricName.name().equals("estimate-num-keys");
            // with one pool shared by every store (BoundedRocksDbMemory), each store's block-cache-usage
            // is the whole pool's: it is reported once, by the pool's own gauge
            boolean memory = STORE_MEMORY.contains(metricName.name())
                    && !(sharedPool && metricName.name().equals("block-cache-usage"));
            if (rows || memory) {
                double value = asDouble(entry.getValue());
                if (value > 0) {
                    byStore.computeIfAbsent(store, s -> new long[2])[rows ? 0 : 1] += (long) value;
                }
            }
        }
        List<Progress.StateOperator> operators = new ArrayList<>();
        byStore.forEach((store, figures) -> operators.add(new Progress.StateOperator(store, figures[0], figures[1])));
        return operators;
    }

    private static String storeName(Map<String, String> tags) {
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            if (tag.getKey().endsWith("-state-id")) {
                return tag.getValue();
            }
        }
        return null;
    }

    private static double asDouble(Metric metric) {
        Object value = metric.metricValue();
        return value instanceof Number number && Double.isFinite(number.doubleValue()) ? number.doubleValue() : 0;
    }

    private static double round(double value) {
        return round(value, 10.0);
    }

    private static double round(double value, double scale) {
        return Math.round(value * scale) / scale;
    }
}
