package dev.streamworks.common.ops;

import java.util.List;

/**
 * One measurement of a service's stream processing, shaped like Spark's
 * {@code StreamingQuery.lastProgress} (same field names), plus the Kafka-side figures.
 */
public record Progress(String id, String runId, String name, String timestamp, long numInputRows,
                       double inputRowsPerSecond, double processedRowsPerSecond, EventTime eventTime,
                       List<StateOperator> stateOperators, String state, long consumerLag, long lateRows,
                       long dlqRows, List<String> warnings) {

    public static final String FALLING_BEHIND = "FALLING_BEHIND";
    public static final String LARGE_STATE = "LARGE_STATE";

    /**
     * Largest event time read; the watermark (CONTRACTS.md section 1): the lowest of the outputs',
     * and each output's. Null (empty) while unknown.
     */
    public record EventTime(String max, String watermark, java.util.Map<String, String> watermarks) {
    }

    /** One state store: its rows (RocksDB's estimate) and the memory RocksDB holds for it. */
    public record StateOperator(String operatorName, long numRowsTotal, long memoryUsedBytes) {
    }
}
