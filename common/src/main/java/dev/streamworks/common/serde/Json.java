package dev.streamworks.common.serde;

import dev.streamworks.common.event.InvalidEventException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.deser.std.StdDeserializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.std.StdSerializer;
import tools.jackson.databind.type.LogicalType;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The one JSON mapping of the suite (CONTRACTS.md section 1): snake_case field names, unknown
 * fields ignored, no silent coercion (a number where a string belongs is a wrong type), and
 * timestamps read in every accepted form but always written as {@link Instant#toString()}.
 */
public final class Json {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withCoercionConfig(LogicalType.Textual, cfg -> cfg
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Enum, cfg -> cfg
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
            .addModule(new SimpleModule("streamworks-time")
                    .addDeserializer(Instant.class, new InstantDeserializer())
                    .addSerializer(Instant.class, new InstantSerializer()))
            .build();

    private Json() {
    }

    public static JsonMapper mapper() {
        return MAPPER;
    }

    /**
     * Reads an input timestamp: ISO-8601 with {@code Z} or an offset, ISO-8601 without a zone
     * (UTC), or epoch milliseconds as a JSON integer.
     */
    public static Instant parseTimestamp(String text) {
        try {
            if (hasZone(text)) {
                return OffsetDateTime.parse(text).toInstant();
            }
            return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            throw new InvalidEventException("unparseable timestamp '" + text
                    + "' (expected ISO-8601 or epoch milliseconds)", e);
        }
    }

    private static boolean hasZone(String text) {
        int time = text.indexOf('T');
        if (time < 0) {
            return false;
        }
        String clock = text.substring(time);
        return clock.endsWith("Z") || clock.endsWith("z") || clock.indexOf('+') > 0 || clock.indexOf('-') > 0;
    }

    static final class InstantDeserializer extends StdDeserializer<Instant> {

        InstantDeserializer() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) {
            JsonToken token = p.currentToken();
            if (token == JsonToken.VALUE_STRING) {
                return parseTimestamp(p.getText().trim());
            }
            if (token == JsonToken.VALUE_NUMBER_INT) {
                return Instant.ofEpochMilli(p.getLongValue());
            }
            throw new InvalidEventException("field '" + p.currentName()
                    + "': a timestamp must be an ISO-8601 string or epoch milliseconds, was " + token);
        }
    }

    static final class InstantSerializer extends StdSerializer<Instant> {

        InstantSerializer() {
            super(Instant.class);
        }

        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializationContext ctxt) {
            gen.writeString(value.toString());
        }
    }
}
