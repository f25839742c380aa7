package dev.streamworks.differential.gen;

import java.util.Set;

/**
 * One input record as a producer sends it: the logical topic (the contract's name), the partition
 * the generator chose for it, the key and the value as text (null: a tombstone). {@code malformed}
 * is the generator's own knowledge that the record is bad input (the reference model decides it
 * again from the contract, and a test checks that both agree). {@code tags} name the adversarial
 * cases the record takes part in.
 */
public record Rec(String topic, int partition, String key, String value, boolean malformed, Set<String> tags) {

    public Rec {
        tags = Set.copyOf(tags);
    }

    public boolean hasTag(String tag) {
        return tags.contains(tag);
    }

    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return topic + "[" + partition + "] " + key + " " + (value == null ? "null"
                : value.length() > 300 ? value.substring(0, 300) + "..." : value) + (tags.isEmpty() ? "" : " " + tags);
    }
}
