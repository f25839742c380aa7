package dev.streamworks.common.testing;

import dev.streamworks.common.time.EventTime;
import dev.streamworks.common.time.EventTimeSettings;
import dev.streamworks.common.time.LagProbe;

import java.util.List;

/** Event time for a topology under {@code TopologyTestDriver}. */
public final class TestEventTime {

    private TestEventTime() {
    }

    /** Every topic has one partition: what the driver runs. */
    public static EventTime onePartition(String... inputs) {
        return partitions(1, inputs);
    }

    /**
     * Every input topic, and so every repartition topic, has {@code partitions} partitions: every
     * stage of the topology has that many channels, and its receivers wait for all of them (fed by
     * {@link ChannelFeed}).
     */
    public static EventTime partitions(int partitions, String... inputs) {
        return new EventTime(EventTimeSettings.defaults(), topic -> partitions, LagProbe.NONE, List.of(inputs), null);
    }

    /**
     * Every input topic has {@code partitions} partitions (their stages that many channels, played by
     * {@link ChannelFeed}), the repartition topics between later hops one: the driver's single task
     * is then every relay channel there is, and a topology can be fed at its first hop only.
     */
    public static EventTime inputPartitions(int partitions, String... inputs) {
        return new EventTime(EventTimeSettings.defaults(), topic -> partitions, LagProbe.NONE, List.of(inputs), null, 1);
    }
}
