package dev.streamworks.common.time;

import java.util.Arrays;

/**
 * Which watermark a processor reads: the one of the receiver {@code receiver}, over the channels of
 * {@code stages} only (all the receiver's channels when empty). An output's watermark is the
 * minimum over the input partitions that feed <em>it</em> (CONTRACTS.md section 1): the
 * per-user outputs of clicks read the per-user receiver's watermark over the clicks' channels, the
 * join over both inputs'.
 *
 * @param receiver the receiver's name ({@link EventTime#receive})
 * @param stages   ids of the stages whose channels count; empty: every channel
 */
public record Clock(String receiver, int[] stages) {

    public Clock {
        stages = stages.clone();
    }

    /** The receiver's watermark over every channel. */
    public static Clock of(String receiver) {
        return new Clock(receiver, new int[0]);
    }

    /** The receiver's watermark over the channels of {@code over} only. */
    public static Clock of(String receiver, Stage... over) {
        return new Clock(receiver, Arrays.stream(over).mapToInt(Stage::id).toArray());
    }

    boolean counts(int stage) {
        if (stages.length == 0) {
            return true;
        }
        for (int id : stages) {
            if (id == stage) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Clock clock && receiver.equals(clock.receiver) && Arrays.equals(stages, clock.stages);
    }

    @Override
    public int hashCode() {
        return receiver.hashCode() * 31 + Arrays.hashCode(stages);
    }

    @Override
    public String toString() {
        return receiver + (stages.length == 0 ? "" : Arrays.toString(stages));
    }
}
