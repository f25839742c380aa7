package dev.streamworks.cdc.processor;

import dev.streamworks.common.event.InvalidEventException;
import dev.streamworks.common.serde.Json;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;

import java.util.Map;

/**
 * The record key of a Debezium topic: the key struct as {@code JsonConverter} writes it, with or
 * without the {@code schema}/{@code payload} envelope ({@code {"user_id":7}} or
 * {@code {"schema":{...},"payload":{"id":7}}}). An absent key (null or empty, as truncate events
 * have) reads as null; a key that is not a JSON object is bad input.
 */
public final class KeyStructSerde implements Serde<Map<String, Object>> {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    public static Map<String, Object> parse(byte[] data) {
        if (data == null || data.length == 0) {
            return null;
        }
        Map<String, Object> key;
        try {
            key = Json.mapper().readValue(data, MAP);
        } catch (JacksonException e) {
            throw new InvalidEventException("record key must be Debezium's key struct (a JSON object): "
                    + e.getOriginalMessage(), e);
        }
        if (key != null && key.containsKey("schema") && key.containsKey("payload")) {
            Object payload = key.get("payload");
            if (payload != null && !(payload instanceof Map)) {
                throw new InvalidEventException("record key field 'payload' must be an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> unwrapped = (Map<String, Object>) payload;
            return unwrapped;
        }
        return key;
    }

    @Override
    public Serializer<Map<String, Object>> serializer() {
        return (topic, key) -> key == null ? null : Json.mapper().writeValueAsBytes(key);
    }

    @Override
    public Deserializer<Map<String, Object>> deserializer() {
        return (topic, data) -> parse(data);
    }
}
