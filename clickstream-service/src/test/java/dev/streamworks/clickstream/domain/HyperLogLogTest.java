package dev.streamworks.clickstream.domain;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class HyperLogLogTest {

    @Test
    void shouldBeNearlyExactForSmallCardinalities() {
        HyperLogLog sketch = new HyperLogLog();
        for (int i = 0; i < 50; i++) {
            sketch.add("user-" + i);
        }

        assertThat(sketch.estimate()).isEqualTo(50);
    }

    @Test
    void shouldEstimateLargeCardinalitiesWithinFourStandardErrors() {
        HyperLogLog sketch = new HyperLogLog();
        for (int i = 0; i < 100_000; i++) {
            sketch.add("user-" + i);
        }

        assertThat((double) sketch.estimate()).isCloseTo(100_000.0, within(100_000 * 0.065));
    }

    @Test
    void shouldIgnoreRepeatedValuesAndSurviveARoundTrip() {
        HyperLogLog sketch = new HyperLogLog();
        sketch.add("a");
        assertThat(sketch.add("a")).isFalse();

        HyperLogLog copy = HyperLogLog.of(sketch.registers());

        assertThat(copy).isEqualTo(sketch);
        assertThat(copy.estimate()).isEqualTo(1);
    }
}
