package dev.streamworks.clickstream.domain;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LatencyHistogramTest {

    @Test
    void shouldGivePercentilesOfAKnownDistribution() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int i = 1000; i >= 1; i--) {
            histogram.record(i);
        }

        assertThat(histogram.count()).isEqualTo(1000);
        assertThat(histogram.percentile(0.5)).isEqualTo(500);
        assertThat(histogram.percentile(0.95)).isEqualTo(950);
        assertThat(histogram.percentile(0.99)).isEqualTo(990);
        assertThat(histogram.percentile(1.0)).isEqualTo(1000);
        assertThat(histogram.max()).isEqualTo(1000);
        assertThat(histogram.mean()).isEqualTo(500.5);
    }

    @Test
    void shouldKeepValuesBelow32768MsExactAndLargerOnesWithinAHundredthOfAPercent() {
        assertThat(LatencyHistogram.bucketOf(12_345)).isEqualTo(12_345);
        assertThat(LatencyHistogram.bucketOf(32_767)).isEqualTo(32_767);
        assertThat(LatencyHistogram.bucketOf(95_001)).isEqualTo(95_000);
        for (long value : new long[] {32_768, 99_999, 3_600_123, 86_400_000}) {
            long bucket = LatencyHistogram.bucketOf(value);
            assertThat(bucket).isLessThanOrEqualTo(value).isGreaterThanOrEqualTo(value - value / 16_384);
            assertThat(LatencyHistogram.bucketOf(bucket)).as("a bucket is its own bucket").isEqualTo(bucket);
        }
    }

    @Test
    void shouldStayBoundedWhateverTheNumberOfEvents() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (long i = 0; i < 1_000_000; i++) {
            histogram.record(10_000 + i * 7);
        }

        // 10 s .. 7,000 s: ten doublings, at most 16,384 buckets each
        assertThat(histogram.bucketsUsed()).isLessThanOrEqualTo(16_384 * 10);
        assertThat(histogram.max()).isEqualTo(10_000 + 999_999L * 7);
    }

    @Test
    void shouldPutAMinuteTogetherFromItsStoredBuckets() {
        LatencyHistogram histogram = LatencyHistogram.of(Map.of(100L, 98L, LatencyHistogram.bucketOf(60_123), 2L),
                100 * 98 + 2 * 60_123, 60_200);

        assertThat(histogram.count()).isEqualTo(100);
        assertThat(histogram.percentile(0.95)).isEqualTo(100);
        assertThat(histogram.percentile(0.99)).isEqualTo(LatencyHistogram.bucketOf(60_123));
        assertThat(histogram.max()).isEqualTo(60_200);
        assertThat(histogram.mean()).isEqualTo((100 * 98 + 2 * 60_123) / 100.0);
    }

    @Test
    void shouldCountANegativeLatencyAsZeroAndAnEmptyHistogramAsZero() {
        LatencyHistogram histogram = new LatencyHistogram();
        assertThat(histogram.percentile(0.99)).isZero();
        assertThat(histogram.mean()).isZero();

        histogram.record(-500);

        assertThat(histogram.max()).isZero();
        assertThat(histogram.percentile(0.5)).isZero();
    }
}
