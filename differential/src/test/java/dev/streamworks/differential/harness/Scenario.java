package dev.streamworks.differential.harness;

/** One run: a seed, partitions per input topic, instances of the service, pace, data size. */
public record Scenario(long seed, int partitions, int instances, Pipeline.Pace pace, boolean large) {

    @Override
    public String toString() {
        return pace.name().toLowerCase() + ", " + partitions + " partition" + (partitions == 1 ? "" : "s") + ", "
                + instances + " instance" + (instances == 1 ? "" : "s") + (large ? ", large" : "") + ", seed " + seed;
    }
}
