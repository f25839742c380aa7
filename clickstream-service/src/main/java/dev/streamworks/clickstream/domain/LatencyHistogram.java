package dev.streamworks.clickstream.domain;

import java.util.Map;
import java.util.TreeMap;

/**
 * Latencies of one window in a bounded structure, HdrHistogram-like but of our own: every value
 * is kept to four significant decimal digits, so values below 10 s are exact to the millisecond
 * and larger ones to 1/1000 of their size or better (10 ms between 10 s and 100 s, 100 ms up to
 * 1000 s ...). Buckets are sparse, so the size is bounded by the number of distinct rounded values
 * (at most 9,000 per decade), never by the number of events. Count, sum and maximum are exact.
 * Percentiles use the nearest-rank definition: the smallest recorded value with at least
 * {@code ceil(p * count)} values at or below it.
 */
public final class LatencyHistogram {

    private static final long EXACT_BELOW = 10_000;

    private final TreeMap<Long, Long> buckets;
    private long count;
    private long sum;
    private long max;

    public LatencyHistogram() {
        this(new TreeMap<>(), 0, 0, 0);
    }

    private LatencyHistogram(TreeMap<Long, Long> buckets, long count, long sum, long max) {
        this.buckets = buckets;
        this.count = count;
        this.sum = sum;
        this.max = max;
    }

    /** Restores a histogram from its parts (as {@link #buckets()}, {@link #count()} ... give them). */
    public static LatencyHistogram of(Map<Long, Long> buckets, long count, long sum, long max) {
        return new LatencyHistogram(new TreeMap<>(buckets), count, sum, max);
    }

    /** The value a latency is kept as: itself below 10 s, otherwise rounded down to four significant digits. */
    public static long bucketOf(long millis) {
        if (millis < EXACT_BELOW) {
            return millis;
        }
        long resolution = 1;
        for (long v = millis; v >= EXACT_BELOW; v /= 10) {
            resolution *= 10;
        }
        return millis - millis % resolution;
    }

    /** Records one latency; a negative one (an event time ahead of the clock) counts as zero. */
    public void record(long millis) {
        long value = Math.max(0, millis);
        buckets.merge(bucketOf(value), 1L, Long::sum);
        count++;
        sum += value;
        max = Math.max(max, value);
    }

    public long count() {
        return count;
    }

    public long sum() {
        return sum;
    }

    public long max() {
        return max;
    }

    public double mean() {
        return count == 0 ? 0.0 : (double) sum / count;
    }

    /** Bucket value to number of latencies, ascending. */
    public Map<Long, Long> buckets() {
        return java.util.Collections.unmodifiableMap(buckets);
    }

    /** The nearest-rank percentile, {@code 0 < p <= 1}; 0 when nothing was recorded. */
    public long percentile(double p) {
        if (count == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(p * count));
        long seen = 0;
        for (Map.Entry<Long, Long> bucket : buckets.entrySet()) {
            seen += bucket.getValue();
            if (seen >= rank) {
                return bucket.getKey();
            }
        }
        return buckets.lastKey();
    }
}
