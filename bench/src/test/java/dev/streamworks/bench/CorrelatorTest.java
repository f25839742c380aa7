package dev.streamworks.bench;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CorrelatorTest {

    private static final String W1 = BenchTraffic.correlationKey("sensor-1", 0);
    private static final String W2 = BenchTraffic.correlationKey("sensor-2", 0);

    @Test
    void theKthOutputOfAWindowMatchesItsKthInput() {
        Correlator c = new Correlator(0, 1_000_000);
        c.sent(W1, 1_000);
        c.sent(W2, 2_000);
        c.sent(W1, 3_000);

        c.observed(W1, 1, 11_000);
        c.observed(W2, 1, 22_000);
        c.observed(W1, 2, 33_000);

        Histogram h = c.histogram();
        assertThat(h.getTotalCount()).isEqualTo(3);
        assertThat(h.getMinValue()).isEqualTo(10_000);
        assertThat(h.valuesAreEquivalent(h.getMaxValue(), 30_000)).isTrue();
        assertThat(c.pending()).isZero();
        assertThat(c.unexpected()).isZero();
    }

    // HdrHistogram keeps 3 significant digits: values are compared as its equivalents

    @Test
    void aCoalescedUpdateMakesEveryInputItIncludesVisible() {
        Correlator c = new Correlator(0, 1_000_000);
        c.sent(W1, 1_000);
        c.sent(W1, 2_000);
        c.sent(W1, 3_000);

        c.observed(W1, 3, 10_000);

        Histogram h = c.histogram();
        assertThat(h.getTotalCount()).isEqualTo(3);
        assertThat(h.getMinValue()).isEqualTo(7_000);
        assertThat(h.valuesAreEquivalent(h.getMaxValue(), 9_000)).isTrue();
    }

    @Test
    void aRepeatedOutputMatchesNothingTwice() {
        Correlator c = new Correlator(0, 1_000_000);
        c.sent(W1, 1_000);
        c.sent(W1, 2_000);
        c.observed(W1, 1, 5_000);

        c.observed(W1, 1, 9_000); // an at-least-once re-delivery

        assertThat(c.histogram().getTotalCount()).isEqualTo(1);
        assertThat(c.pending()).isEqualTo(1);
    }

    @Test
    void onlyInputsSentInsideTheMeasurementIntervalCount() {
        Correlator c = new Correlator(10_000, 20_000);
        c.sent(W1, 9_999);   // warm-up
        c.sent(W1, 10_000);  // measured
        c.sent(W1, 19_999);  // measured
        c.sent(W1, 20_000);  // drain-out

        assertThat(c.sentMeasured()).isEqualTo(2);
        c.observed(W1, 4, 30_000);

        Histogram h = c.histogram();
        assertThat(h.getTotalCount()).isEqualTo(2);
        assertThat(h.valuesAreEquivalent(h.getMaxValue(), 20_000)).isTrue();
        assertThat(c.pending()).isZero();
    }

    @Test
    void outputsThatMatchNoInputAreCountedNotRecorded() {
        Correlator c = new Correlator(0, 1_000_000);
        c.sent(W1, 1_000);

        c.observed(W1, 2, 5_000);   // more than was sent
        c.observed(W2, 1, 5_000);   // a window nothing was sent to

        assertThat(c.unexpected()).isEqualTo(2);
        assertThat(c.histogram().getTotalCount()).isZero();
        assertThat(c.pending()).isEqualTo(1);
    }

    @Test
    void manyInputsPerWindowGrowTheBuffer() {
        Correlator c = new Correlator(0, Long.MAX_VALUE);
        for (int i = 0; i < 1_000; i++) {
            c.sent(W1, i * 10L);
        }
        c.observed(W1, 1_000, 20_000);

        assertThat(c.histogram().getTotalCount()).isEqualTo(1_000);
        assertThat(c.histogram().getMinValue()).isBetween(10_000L, 10_020L);
    }
}
