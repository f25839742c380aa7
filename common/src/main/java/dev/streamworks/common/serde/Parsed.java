package dev.streamworks.common.serde;

/**
 * An input value parsed and validated, together with the exact bytes it was read from. The
 * bytes travel through repartition topics untouched (no second serialization) and are what a
 * late record is routed with, so {@code <service>.late} receives the input unchanged.
 */
public record Parsed<T>(T value, byte[] bytes) {
}
