package dev.streamworks.common.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/** Fixed instants for tests: never {@code Instant.now()}. {@link #T0} starts a 5-minute window. */
public final class TestTimes {

    public static final Instant T0 = Instant.parse("2025-12-09T13:00:00Z");

    /** A wall clock one day after {@link #T0}: every test event is in its past. */
    public static final Clock CLOCK = Clock.fixed(T0.plus(Duration.ofDays(1)), ZoneOffset.UTC);

    private TestTimes() {
    }

    public static Instant at(Duration offset) {
        return T0.plus(offset);
    }

    public static Instant minutes(long minutes) {
        return T0.plusSeconds(minutes * 60);
    }

    public static Instant seconds(long seconds) {
        return T0.plusSeconds(seconds);
    }
}
