package dev.streamworks.clickstream.domain;

import dev.streamworks.clickstream.domain.DedupRule.Counted;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DedupRuleTest {

    private static final long W = 3_600_000;

    @Test
    @DisplayName("a copy is a duplicate only when both its event time and its read watermark are less than the window from the counted one")
    void shouldDropOnlyWhenBothDistancesAreBelowTheWindow() {
        // given
        Counted counted = new Counted(10 * W, 10 * W + 5);

        // then
        assertThat(DedupRule.isDuplicate(null, 10 * W, 10 * W + 5, W)).as("nothing counted").isFalse();
        assertThat(DedupRule.isDuplicate(counted, 10 * W, 10 * W + 5, W)).isTrue();
        assertThat(DedupRule.isDuplicate(counted, 11 * W - 1, 10 * W + 5, W)).isTrue();
        assertThat(DedupRule.isDuplicate(counted, 11 * W, 10 * W + 5, W)).as("event time a window later").isFalse();
        assertThat(DedupRule.isDuplicate(counted, 9 * W + 1, 10 * W + 5, W)).isTrue();
        assertThat(DedupRule.isDuplicate(counted, 9 * W, 10 * W + 5, W)).as("event time a window earlier").isFalse();
        assertThat(DedupRule.isDuplicate(counted, 10 * W, 11 * W + 4, W)).isTrue();
        assertThat(DedupRule.isDuplicate(counted, 10 * W, 11 * W + 5, W)).as("read a window later").isFalse();
        assertThat(DedupRule.isDuplicate(counted, 10 * W, 2 * W, W)).as("read earlier, from a partition behind")
                .isTrue();
    }

    @Test
    void shouldPutAReadWatermarkInTheSlotOfItsWindowAlignedToTheEpoch() {
        assertThat(DedupRule.slotOf(0, W)).isZero();
        assertThat(DedupRule.slotOf(W - 1, W)).isZero();
        assertThat(DedupRule.slotOf(W, W)).isEqualTo(1);
        assertThat(DedupRule.slotOf(-1, W)).isEqualTo(-1);
        assertThat(DedupRule.slotOf(Long.MIN_VALUE, W)).isEqualTo(Math.floorDiv(Long.MIN_VALUE, W));
    }

    @Test
    @DisplayName("the oldest useful slot holds rwm - window + 1, the oldest read watermark that can still make a duplicate")
    void shouldLookInThisSlotAndThePreviousOneUnlessAtASlotsLastMillisecond() {
        assertThat(DedupRule.oldestUsefulSlot(5 * W, W)).isEqualTo(4);
        assertThat(DedupRule.oldestUsefulSlot(5 * W + 1, W)).isEqualTo(4);
        assertThat(DedupRule.oldestUsefulSlot(6 * W - 2, W)).isEqualTo(4);
        assertThat(DedupRule.oldestUsefulSlot(6 * W - 1, W)).isEqualTo(5);
        assertThat(DedupRule.oldestUsefulSlot(0, W)).isEqualTo(-1);
        // nothing is older than the slot of Long.MIN_VALUE
        assertThat(DedupRule.oldestUsefulSlot(Long.MIN_VALUE, W)).isEqualTo(Math.floorDiv(Long.MIN_VALUE, W));
        assertThat(DedupRule.oldestUsefulSlot(Long.MAX_VALUE, 1)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    @DisplayName("every read watermark that can make a duplicate is in a useful slot, and none before it can")
    void shouldAgreeWithTheRuleOnEveryReadWatermarkAroundASlotBoundary() {
        long window = 10;
        for (long rwm = -3 * window; rwm <= 3 * window; rwm++) {
            long oldest = DedupRule.oldestUsefulSlot(rwm, window);
            for (long first = rwm - 3 * window; first <= rwm + window; first++) {
                if (rwm - first < window) {
                    assertThat(DedupRule.slotOf(first, window)).as("rwm %d, first %d", rwm, first)
                            .isGreaterThanOrEqualTo(oldest);
                }
            }
            // and no later slot would do: the oldest read watermark that matches is in it
            assertThat(DedupRule.slotOf(rwm - window + 1, window)).isEqualTo(oldest);
        }
    }
}
