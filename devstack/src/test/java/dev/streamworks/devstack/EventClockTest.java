package dev.streamworks.devstack;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class EventClockTest {

    private static final Instant START = Instant.parse("2025-12-09T13:00:00Z");

    @Test
    void shouldStartAnHourBackRunFasterAndNeverPassTheWallClock() {
        MovingClock wall = new MovingClock();
        EventClock events = new EventClock(wall, 10);

        assertThat(events.now()).isEqualTo(START.minus(Duration.ofHours(1)));
        wall.now = START.plusSeconds(60);
        assertThat(events.now()).isEqualTo(START.minus(Duration.ofHours(1)).plusSeconds(600));
        wall.now = START.plusSeconds(3600);
        assertThat(events.now()).isEqualTo(wall.now);
    }

    @Test
    void shouldFollowTheWallClockAtSpeedOne() {
        MovingClock wall = new MovingClock();

        assertThat(new EventClock(wall, 1).now()).isEqualTo(START);
    }

    private static final class MovingClock extends Clock {

        private Instant now = START;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
