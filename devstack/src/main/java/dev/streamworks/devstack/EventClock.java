package dev.streamworks.devstack;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The generator's event time: starts an hour in the past and runs {@code speed} times faster
 * than the wall clock until it reaches the present, then keeps pace with it. It never runs ahead
 * of the wall clock, so the services never see a far-future event.
 */
public final class EventClock {

    private static final Duration HEAD_START = Duration.ofHours(1);

    private final Clock wall;
    private final int speed;
    private final Instant startedAt;

    public EventClock(Clock wall, int speed) {
        this.wall = wall;
        this.speed = speed;
        this.startedAt = wall.instant();
    }

    public Instant now() {
        Instant wallNow = wall.instant();
        if (speed == 1) {
            return wallNow;
        }
        Duration elapsed = Duration.between(startedAt, wallNow);
        Instant accelerated = startedAt.minus(HEAD_START).plus(elapsed.multipliedBy(speed));
        return accelerated.isBefore(wallNow) ? accelerated : wallNow;
    }
}
