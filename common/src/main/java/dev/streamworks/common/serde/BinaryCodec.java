package dev.streamworks.common.serde;

/**
 * A compact binary form of an already validated event, for the service's own internal topics:
 * reading it back costs a few field copies instead of a JSON parse and a validation.
 * {@link #read} must return what {@link #write} was given, field for field.
 */
public interface BinaryCodec<T> {

    void write(T value, BinaryWriter out);

    T read(BinaryReader in);
}
