package dev.streamworks.common.ops;

import java.util.List;
import java.util.Map;

/**
 * One measurement of a service's stream processing, shaped like Spark's
 * {@code StreamingQueryProgress} (same field names where Spark has the figure), plus the
 * Kafka-side figures. One "batch" is one progress interval; {@code batchId} counts the commits
 * of the stream threads, Kafka Streams' unit of atomic progress.
 *
 * @param numInputRows             records read in the interval (valid and dead-lettered)
 * @param lateRows                 records routed to the late topic so far (once per output)
 * @param dlqRows                  records routed to the dead-letter topic so far
 * @param batchId                  commits of the stream threads so far
 * @param durationMs               mean duration of one commit, one processing pass and one
 *                                 punctuation of the stream threads (Kafka Streams'
 *                                 {@code *-latency-avg}), in milliseconds
 * @param sources                  per input topic, its partitions' committed offsets at the start
 *                                 and the end of the interval
 * @param sink                     records written to each output topic in the interval
 * @param numRowsDroppedByWatermark records too late for a window in the interval (Spark's name;
 *                                 they are not dropped but routed to the late topic)
 * @param lateRowsByOutput         records too late for each windowed output, so far
 */
public record Progress(String id, String runId, String name, String timestamp, long numInputRows,
                       double inputRowsPerSecond, double processedRowsPerSecond, EventTime eventTime,
                       List<StateOperator> stateOperators, String state, long consumerLag, long lateRows,
                       long dlqRows, List<String> warnings, long batchId, Map<String, Double> durationMs,
                       List<Source> sources, Sink sink, long numRowsDroppedByWatermark,
                       Map<String, Long> lateRowsByOutput) {

    public static final String FALLING_BEHIND = "FALLING_BEHIND";
    public static final String LARGE_STATE = "LARGE_STATE";

    /**
     * Largest event time read; the watermark (docs/semantics.md): the lowest of the outputs',
     * and each output's. Null (empty) while unknown.
     */
    public record EventTime(String max, String watermark, Map<String, String> watermarks) {
    }

    /** One state store: its rows (RocksDB's estimate) and the memory RocksDB holds for it. */
    public record StateOperator(String operatorName, long numRowsTotal, long memoryUsedBytes) {
    }

    /**
     * One input topic over the interval, as Spark's {@code SourceProgress}: committed offsets per
     * partition at the start and the end of the interval, the end offsets the consumer last saw,
     * the records not yet read, and the offsets the interval advanced by (transaction markers
     * included).
     */
    public record Source(String description, Map<String, Long> startOffset, Map<String, Long> endOffset,
                         Map<String, Long> latestOffset, long lag, long numInputRows) {
    }

    /** The output topics, as Spark's {@code SinkProgress}: records written to each in the interval. */
    public record Sink(String description, Map<String, Long> numOutputRows) {
    }
}
