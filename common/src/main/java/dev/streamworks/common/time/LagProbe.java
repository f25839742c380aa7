package dev.streamworks.common.time;

/**
 * The consumer lag of an input partition, as the service's consumer last measured it: an input
 * partition is idle only when nothing arrived for the idle timeout <em>and</em> its lag is 0, so a
 * partition that is merely slow never leaves the watermark (Flink's FLIP-471 trap).
 */
@FunctionalInterface
public interface LagProbe {

    /**
     * The records not yet read from {@code topic}'s {@code partition}; negative when not known (the
     * consumer has not fetched the partition yet): a partition whose lag is not known is never idle.
     */
    long lag(String topic, int partition);

    /** Every partition caught up: for a topology without a consumer (TopologyTestDriver). */
    LagProbe NONE = (topic, partition) -> 0;
}
