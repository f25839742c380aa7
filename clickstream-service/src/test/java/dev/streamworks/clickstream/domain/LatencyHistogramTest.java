package dev.streamworks.clickstream.domain;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LatencyHistogramTest {

    @Test
    void shouldGiveNearestRankPercentilesOfAKnownDistribution() {
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
    void shouldKeepValuesBelowTenSecondsExactAndLargerOnesToFourSignificantDigits() {
        assertThat(LatencyHistogram.bucketOf(9_999)).isEqualTo(9_999);
        assertThat(LatencyHistogram.bucketOf(12_345)).isEqualTo(12_340);
        assertThat(LatencyHistogram.bucketOf(95_000)).isEqualTo(95_000);
        assertThat(LatencyHistogram.bucketOf(3_600_123)).isEqualTo(3_600_000);
    }

    @Test
    void shouldStayBoundedWhateverTheNumberOfEvents() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (long i = 0; i < 1_000_000; i++) {
            histogram.record(10_000 + i * 7);
        }

        // 10 s .. 7,000 s spans three decades, at most 9,000 buckets each
        assertThat(histogram.buckets().size()).isLessThanOrEqualTo(9_000 * 3);
        assertThat(histogram.max()).isEqualTo(10_000 + 999_999L * 7);
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
