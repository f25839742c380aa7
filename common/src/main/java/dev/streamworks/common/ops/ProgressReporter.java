package dev.streamworks.common.ops;

import org.apache.kafka.common.Metric;
import dev.streamworks.common.streams.BoundedRocksDbMemory;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.MetricName;

import java.time.Instant;
import java.util.ArrayList;
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
 * is what was processed. Store figures come from Kafka Streams' RocksDB metrics.
 */
public final class ProgressReporter {

    private static final String STATE_GROUP = "stream-state-metrics";
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

    private final Set<String> storesWithGauges = ConcurrentHashMap.newKeySet();
    private Sample last;
    private volatile Progress latest;

    /**
     * @param kafkaMetrics the Kafka Streams client's metrics ({@code KafkaStreams#metrics()}), empty
     *                     before it starts
     * @param watermarks   the watermark of each output with event time (epoch ms), as far as known
     */
    public ProgressReporter(String id, String name, Supplier<Map<MetricName, ? extends Metric>> kafkaMetrics,
                            StreamsState state,
                            StreamworksMetrics metrics, Supplier<Map<String, Long>> watermarks, long maxStateRows,
                            double fallingBehindRatio) {
        this.id = id;
        this.name = name;
        this.kafkaMetrics = kafkaMetrics;
        this.state = state;
        this.metrics = metrics;
        this.watermarks = watermarks;
        this.maxStateRows = maxStateRows;
        this.fallingBehindRatio = fallingBehindRatio;
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

    private record Sample(long atMs, long rows, long lag) {
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
        Sample previous = last != null ? last : new Sample(now, rows, lag);
        double seconds = Math.max(now - previous.atMs(), 1) / 1000.0;
        long numInputRows = rows - previous.rows();
        double processedRate = last == null ? 0 : numInputRows / seconds;
        double inputRate = last == null ? 0 : Math.max(0, numInputRows + lag - previous.lag()) / seconds;
        last = new Sample(now, rows, lag);

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
        latest = new Progress(id, runId, name, Instant.ofEpochMilli(now).toString(), numInputRows,
                round(inputRate), round(processedRate), eventTime(), stores, state.state().name(), lag,
                metrics.lateRecords(), metrics.deadLetters(), List.copyOf(warnings));
        return latest;
    }

    /** The largest event time read, the lowest output watermark, and each output's (CONTRACTS.md section 1). */
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
        return Math.round(value * 10.0) / 10.0;
    }
}
