package dev.streamworks.clickstream.domain;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class DistinctUsersTest {

    @Test
    void shouldBeExactForSmallCardinalities() {
        byte[] sketch = null;
        for (int i = 0; i < 50; i++) {
            sketch = DistinctUsers.add(sketch, "user-" + i);
            sketch = DistinctUsers.add(sketch, "user-" + i);
        }

        assertThat(DistinctUsers.estimate(sketch)).isEqualTo(50);
        assertThat(sketch).hasSize(DistinctUsers.BYTES);
    }

    @Test
    void shouldEstimateLargeCardinalitiesWithinFourStandardErrors() {
        byte[] sketch = null;
        for (int i = 0; i < 100_000; i++) {
            sketch = DistinctUsers.add(sketch, "user-" + i);
        }

        assertThat((double) DistinctUsers.estimate(sketch)).isCloseTo(100_000.0, within(100_000 * 0.065));
    }

    @Test
    void shouldLeaveTheSketchItWasGivenUnchanged() {
        byte[] one = DistinctUsers.add(null, "a");
        byte[] before = one.clone();

        byte[] two = DistinctUsers.add(one, "b");

        assertThat(one).isEqualTo(before);
        assertThat(DistinctUsers.estimate(one)).isEqualTo(1);
        assertThat(DistinctUsers.estimate(two)).isEqualTo(2);
        assertThat(DistinctUsers.estimate(null)).isZero();
    }

    @Test
    void shouldMergeIntoASketchThatCountsEachUserOnceAndKeepsCounting() {
        byte[] first = null;
        byte[] second = null;
        for (int i = 0; i < 30_000; i++) {
            first = DistinctUsers.add(first, "user-" + i);
            second = DistinctUsers.add(second, "user-" + (i + 20_000));
        }

        byte[] merged = DistinctUsers.merge(first, second);

        assertThat(merged).hasSize(DistinctUsers.BYTES);
        assertThat((double) DistinctUsers.estimate(merged)).isCloseTo(50_000.0, within(50_000 * 0.065));
        byte[] more = merged;
        for (int i = 50_000; i < 60_000; i++) {
            more = DistinctUsers.add(more, "user-" + i);
        }
        assertThat((double) DistinctUsers.estimate(more)).isCloseTo(60_000.0, within(60_000 * 0.065));
        assertThat(DistinctUsers.estimate(DistinctUsers.merge(DistinctUsers.add(null, "a"), DistinctUsers.add(null, "a"))))
                .isEqualTo(1);
    }

    @Test
    void shouldRefuseBytesThatAreNotOneOfItsSketches() {
        assertThatThrownBy(() -> DistinctUsers.add(new byte[4096], "a")).hasMessageContaining("reset the application");
    }
}
