package dev.streamworks.common.time;

/**
 * One step of a topology that writes into a repartition topic: an input topic read straight from
 * its partitions (the first hop), or the tasks after a repartition that relay records onwards. Each
 * of its partitions (tasks) is a <em>channel</em> of the topics it writes, and the receiving tasks
 * keep one watermark per channel. Stage ids are small and unique within a service's topology.
 *
 * @param id    0..255, unique per topology
 * @param name  the input topic; for a relay stage, the name of the receiver whose watermark it relays
 * @param input the input topic this stage reads, or {@code null} for a relay stage
 */
public record Stage(int id, String name, String input) {

    public Stage {
        if (id < 0 || id > 255) {
            throw new IllegalArgumentException("stage id must be 0..255, was " + id);
        }
    }

    /** The stage that reads input topic {@code topic} and sends its records on. */
    public static Stage input(int id, String topic) {
        return new Stage(id, topic, topic);
    }

    /** The tasks after the receiver {@code receiver}, relaying records (and its watermark) to the next hop. */
    public static Stage relay(int id, String receiver) {
        return new Stage(id, receiver, null);
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
