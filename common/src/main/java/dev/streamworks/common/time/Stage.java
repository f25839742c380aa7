package dev.streamworks.common.time;

/**
 * One step of a topology that writes into a repartition topic: an input topic read straight from
 * its partitions (the first hop), or the tasks after a repartition that relay records onwards. Each
 * of its partitions (tasks) is a <em>channel</em> of the topics it writes, and the receiving tasks
 * keep one watermark per channel. Stage ids are small and unique within a service's topology.
 *
 * @param id    0..255, unique per topology
 * @param name  the input topic, or the receiver a relay stage follows
 * @param input the input topic this stage reads, or {@code null} for a relay stage
 * @param clock for a relay stage, the watermark it relays (its receiver's, over some of its stages)
 */
public record Stage(int id, String name, String input, Clock clock) {

    public Stage {
        if (id < 0 || id > 255) {
            throw new IllegalArgumentException("stage id must be 0..255, was " + id);
        }
    }

    /** The stage that reads input topic {@code topic} and sends its records on. */
    public static Stage input(int id, String topic) {
        return new Stage(id, topic, topic, null);
    }

    /** The tasks after a receiver, relaying records, and {@code clock}'s watermark, to the next hop. */
    public static Stage relay(int id, Clock clock) {
        return new Stage(id, clock.receiver(), null, clock);
    }

    public boolean isInput() {
        return input != null;
    }

    /** The channel id of this stage's {@code partition}. */
    public int channel(int partition) {
        return (id << 16) | partition;
    }

    static int stageOf(int channel) {
        return channel >>> 16;
    }

    static int partitionOf(int channel) {
        return channel & 0xFFFF;
    }
}
