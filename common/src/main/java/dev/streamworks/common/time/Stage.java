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
 * @param localHop an input stage whose records may skip the repartition topic when they stay in
 *                 their partition ({@link #withLocalHop()})
 */
public record Stage(int id, String name, String input, Clock clock, boolean localHop) {

    public Stage {
        if (id < 0 || id > 255) {
            throw new IllegalArgumentException("stage id must be 0..255, was " + id);
        }
        if (localHop && input == null) {
            throw new IllegalArgumentException("only an input stage can skip its repartition topic: " + name);
        }
    }

    /** The stage that reads input topic {@code topic} and sends its records on. */
    public static Stage input(int id, String topic) {
        return new Stage(id, topic, topic, null, false);
    }

    /** The tasks after a receiver, relaying records, and {@code clock}'s watermark, to the next hop. */
    public static Stage relay(int id, Clock clock) {
        return new Stage(id, clock.receiver(), null, clock, false);
    }

    /**
     * This input stage, handing the records whose destination partition is the one they were read
     * from straight to the receiver, in the same task, instead of through the repartition topic
     * ({@link EventTime#send}): for an input that is in practice keyed (and so partitioned) by the
     * key it is re-keyed by. Applies only where the input topic has as many partitions as the
     * repartition topic; elsewhere every record goes through the topic, as without it.
     */
    public Stage withLocalHop() {
        return new Stage(id, name, input, clock, true);
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
