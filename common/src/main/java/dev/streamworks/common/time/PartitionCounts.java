package dev.streamworks.common.time;

/** The number of partitions of an input topic: how many channels its stage has. */
@FunctionalInterface
public interface PartitionCounts {

    int of(String topic);
}
