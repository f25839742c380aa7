package dev.streamworks.common.testing;

import dev.streamworks.common.time.EventTime;
import dev.streamworks.common.time.EventTimeSettings;
import dev.streamworks.common.time.LagProbe;

import java.util.List;

/** Event time for a topology under {@code TopologyTestDriver}: every topic has one partition. */
public final class TestEventTime {

    private TestEventTime() {
    }

    public static EventTime onePartition(String... inputs) {
        return new EventTime(EventTimeSettings.defaults(), topic -> 1, LagProbe.NONE, List.of(inputs), null);
    }
}
