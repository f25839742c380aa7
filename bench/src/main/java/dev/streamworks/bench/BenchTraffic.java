package dev.streamworks.bench;

/**
 * Clean, correlatable input for one pipeline: valid records only (no out-of-order, late or
 * broken ones, unlike the devstack's traffic), each with the key of the output record it
 * changes, so an output can be traced back to the inputs it includes. (A drain's backlog can
 * have some made late on purpose: {@link LateInjection}.)
 */
public interface BenchTraffic {

    /** One generated input record; {@code correlationKey} null when no output answers it. */
    record Generated(String key, String value, String correlationKey) {
    }

    /** The next record, with {@code eventTimeMs} as its event time. */
    Generated next(long eventTimeMs);

    /** Start of the tumbling window of {@code size} that holds {@code eventTimeMs} (aligned to the epoch). */
    static long windowStart(long eventTimeMs, long sizeMs) {
        return Math.floorDiv(eventTimeMs, sizeMs) * sizeMs;
    }

    /** The correlation key of an output record: its grouping key and window start. */
    static String correlationKey(String key, long windowStartMs) {
        return key + '|' + windowStartMs;
    }
}
