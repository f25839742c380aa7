package dev.streamworks.common.streams;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class WindowTest {

    private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

    @Test
    void shouldAlignTumblingWindowsToTheEpochWithAnExclusiveEnd() {
        Instant end = Instant.parse("2025-12-09T13:05:00Z");

        assertThat(Window.tumbling(end.toEpochMilli() - 1, FIVE_MINUTES))
                .isEqualTo(new Window(Instant.parse("2025-12-09T13:00:00Z"), end));
        assertThat(Window.tumbling(end.toEpochMilli(), FIVE_MINUTES))
                .isEqualTo(new Window(end, Instant.parse("2025-12-09T13:10:00Z")));
    }

    @Test
    void shouldCloseWhenWindowEndPlusGraceReachesStreamTime() {
        Window window = Window.tumbling(Instant.parse("2025-12-09T13:01:00Z").toEpochMilli(), FIVE_MINUTES);
        long closing = Instant.parse("2025-12-09T13:15:00Z").toEpochMilli();

        assertThat(window.isClosed(Duration.ofMinutes(10), closing - 1)).isFalse();
        assertThat(window.isClosed(Duration.ofMinutes(10), closing)).isTrue();
    }
}
