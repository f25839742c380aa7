package dev.streamworks.common.time;

import java.time.Duration;

/**
 * How watermarks move (docs/semantics.md, section 1).
 *
 * @param idleTimeout     an input partition that delivered nothing for this long (wall clock) while its
 *                        consumer lag is 0 stops holding the watermark back ({@code streamworks.idle-timeout})
 * @param idleClose       when every input partition of an output is idle, the watermark advances with
 *                        the wall clock ({@code streamworks.idle-close})
 * @param heartbeatEvery  a sender tells every partition of its repartition topic its watermark at least
 *                        this often in event time, so partitions that get no records from it still hear it
 * @param heartbeatWall   and at least this often in wall-clock time while its watermark or idleness
 *                        changes (a quiet or idle channel)
 * @param closeCheck      how often (wall clock) windowed operators look for windows that heartbeats alone closed
 */
public record EventTimeSettings(Duration idleTimeout, boolean idleClose, Duration heartbeatEvery,
                                Duration heartbeatWall, Duration closeCheck) {

    public static EventTimeSettings of(Duration idleTimeout, boolean idleClose) {
        return new EventTimeSettings(idleTimeout, idleClose, Duration.ofSeconds(10), Duration.ofSeconds(1),
                Duration.ofMillis(100));
    }

    public static EventTimeSettings defaults() {
        return of(Duration.ofSeconds(30), false);
    }
}
