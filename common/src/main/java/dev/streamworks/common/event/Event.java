package dev.streamworks.common.event;

import java.time.Instant;

/** An input event that carries its own event time, the only time windows and TTLs use. */
public interface Event {

    Instant eventTime();
}
