package dev.streamworks.common.time;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.streamworks.common.testing.TestTimes.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WindowsTest {

    private final Windows hopping = Windows.hopping(Duration.ofSeconds(30), Duration.ofSeconds(10),
            Duration.ofSeconds(10));

    @Test
    void shouldPlaceATimestampInEveryHoppingWindowThatHoldsItOldestFirst() {
        assertThat(hopping.startsOf(seconds(25).toEpochMilli())).containsExactly(seconds(0).toEpochMilli(),
                seconds(10).toEpochMilli(), seconds(20).toEpochMilli());
        assertThat(hopping.startsOf(seconds(30).toEpochMilli())).containsExactly(seconds(10).toEpochMilli(),
                seconds(20).toEpochMilli(), seconds(30).toEpochMilli());
    }

    @Test
    void shouldCallARecordLateExactlyWhenEndPlusGraceIsAtOrBeforeItsReadWatermark() {
        assertThat(hopping.isLate(seconds(0).toEpochMilli(), seconds(40).toEpochMilli())).isTrue();
        assertThat(hopping.isLate(seconds(0).toEpochMilli(), seconds(40).toEpochMilli() - 1)).isFalse();
    }

    @Test
    void shouldCloseWindowsUpToTheLastOneTheWatermarkPassedAlignedToTheAdvance() {
        assertThat(hopping.lastClosedStart(seconds(40).toEpochMilli())).isEqualTo(seconds(0).toEpochMilli());
        assertThat(hopping.lastClosedStart(seconds(49).toEpochMilli())).isEqualTo(seconds(0).toEpochMilli());
        assertThat(hopping.lastClosedStart(seconds(50).toEpochMilli())).isEqualTo(seconds(10).toEpochMilli());
        assertThat(hopping.lastClosedStart(Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE);
        // before 1970 too
        Windows tumbling = Windows.tumbling(Duration.ofMinutes(5), Duration.ZERO);
        assertThat(tumbling.startsOf(-1)).containsExactly(-300_000L);
    }

    @Test
    void shouldRefuseAnAdvanceThatDoesNotDivideTheSize() {
        assertThatThrownBy(() -> Windows.hopping(Duration.ofSeconds(30), Duration.ofSeconds(7), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
