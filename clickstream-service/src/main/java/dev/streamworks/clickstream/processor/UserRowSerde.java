package dev.streamworks.clickstream.processor;

import dev.streamworks.clickstream.domain.UserRow;
import dev.streamworks.common.serde.Json;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Reads a {@code cdc.users} row leniently: a null value is a delete (tombstone); a row that is not
 * a JSON object, or has no {@code user_segment}, becomes a row without a segment, which enriches
 * as {@code unknown}. Failing here instead would stop the global table's thread, and with it the
 * whole service, for one bad row of a table another service owns.
 */
public final class UserRowSerde implements Serde<UserRow> {

    private static final Logger log = LoggerFactory.getLogger(UserRowSerde.class);

    @Override
    public Serializer<UserRow> serializer() {
        return (topic, row) -> row == null ? null : Json.mapper().writeValueAsBytes(row);
    }

    @Override
    public Deserializer<UserRow> deserializer() {
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            try {
                JsonNode node = Json.mapper().readTree(data);
                if (node == null || !node.isObject()) {
                    log.warn("cdc.users row is not a JSON object; its user enriches as unknown");
                    return new UserRow(null, null);
                }
                return new UserRow(text(node, "user_id"), text(node, "user_segment"));
            } catch (JacksonException e) {
                log.warn("cdc.users row is not JSON ({}); its user enriches as unknown", e.getOriginalMessage());
                return new UserRow(null, null);
            }
        };
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.isString() ? value.asString() : value.toString();
    }
}
