package dev.streamworks.clickstream.domain;

import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.IntCountsHistogram;

import java.util.Map;

/**
 * Latencies of one minute in an HdrHistogram with four significant decimal digits: values below
 * 32,768 ms are kept exact to the millisecond, larger ones rounded down to within 1/16,384 (under
 * 0.01 %) of their size; the size is bounded by the range of values (16,384 buckets per doubling),
 * never by the number of events. Count, sum and maximum are exact. A percentile is the
 * value of the bucket holding HdrHistogram's rank for it ({@code p * count}, rounded to the
 * nearest, at least 1), as that bucket's lowest value.
 */
public final class LatencyHistogram {

    public static final int SIGNIFICANT_DIGITS = 4;

    /** Only its bucket arithmetic is used (no counts), so sharing it is safe. */
    private static final AbstractHistogram SHAPE = new IntCountsHistogram(SIGNIFICANT_DIGITS);

    /** Int counts: a minute never holds 2^31 latencies in one bucket, and it halves the footprint. */
    private final AbstractHistogram histogram = new IntCountsHistogram(SIGNIFICANT_DIGITS);
    private long sum;
    private long max;

    /** Puts a histogram together from bucket counts ({@link #bucketOf} to count) and the exact sum and maximum. */
    public static LatencyHistogram of(Map<Long, Long> buckets, long sum, long max) {
        LatencyHistogram restored = new LatencyHistogram();
        buckets.forEach((bucket, count) -> restored.histogram.recordValueWithCount(bucket, count));
        restored.sum = sum;
        restored.max = max;
        return restored;
    }

    /** The value a latency is kept as: the lowest value of its HdrHistogram bucket (itself below 32,768 ms). */
    public static long bucketOf(long millis) {
        return SHAPE.lowestEquivalentValue(Math.max(0, millis));
    }

    /** Records one latency; a negative one (an event time ahead of the clock) counts as zero. */
    public void record(long millis) {
        long value = Math.max(0, millis);
        histogram.recordValue(value);
        sum += value;
        max = Math.max(max, value);
    }

    public long count() {
        return histogram.getTotalCount();
    }

    public long sum() {
        return sum;
    }

    public long max() {
        return max;
    }

    public double mean() {
        return count() == 0 ? 0.0 : (double) sum / count();
    }

    /** The percentile {@code 0 < p <= 1} as the lowest value of its bucket; 0 when nothing was recorded. */
    public long percentile(double p) {
        if (count() == 0) {
            return 0;
        }
        return Math.min(max, histogram.lowestEquivalentValue(histogram.getValueAtPercentile(p * 100.0)));
    }

    /** How many buckets hold values: the histogram's footprint in the lateness store. */
    public int bucketsUsed() {
        int used = 0;
        for (var ignored : histogram.recordedValues()) {
            used++;
        }
        return used;
    }
}
