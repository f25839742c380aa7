package dev.streamworks.common.serde;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;

/** JSON serde for records a service writes (outputs, views) through {@link Json#mapper()}. */
public final class JsonSerde<T> implements Serde<T> {

    private final ObjectWriter writer;
    private final ObjectReader reader;

    private JsonSerde(Class<T> type) {
        this.writer = Json.mapper().writerFor(type);
        this.reader = Json.mapper().readerFor(type);
    }

    public static <T> JsonSerde<T> of(Class<T> type) {
        return new JsonSerde<>(type);
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                return writer.writeValueAsBytes(value);
            } catch (JacksonException e) {
                throw new SerializationException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            try {
                return reader.readValue(data);
            } catch (JacksonException e) {
                throw new SerializationException("cannot read JSON from topic " + topic, e);
            }
        };
    }
}
