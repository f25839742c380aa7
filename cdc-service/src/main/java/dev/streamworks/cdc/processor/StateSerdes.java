package dev.streamworks.cdc.processor;

import dev.streamworks.cdc.domain.PartitionStats;
import dev.streamworks.cdc.domain.SourcePosition;
import dev.streamworks.cdc.domain.StoredRow;
import dev.streamworks.common.serde.Json;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import tools.jackson.core.type.TypeReference;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * JSON forms of the stores' values (and their changelogs): a stored row
 * {@code {"row":{...}|null,"position":{...},"committed_at":ms}} and a partition's counters.
 * Rows stay plain JSON objects, so the table needs no schema of its own.
 */
public final class StateSerdes {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private StateSerdes() {
    }

    public static Serde<StoredRow> storedRow() {
        return new MapSerde<>(row -> {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("row", row.row());
            map.put("position", row.position().toMap());
            map.put("committed_at", row.committedAt().toEpochMilli());
            return map;
        }, map -> new StoredRow(asMap(map.get("row")), SourcePosition.fromMap(asMap(map.get("position"))),
                Instant.ofEpochMilli(((Number) map.get("committed_at")).longValue())));
    }

    public static Serde<PartitionStats> partitionStats() {
        return new MapSerde<>(stats -> {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("rows", stats.rows());
            map.put("applied", stats.applied());
            map.put("skipped", stats.skipped());
            map.put("truncated_at", stats.truncatedAt() == null ? null : stats.truncatedAt().toMap());
            return map;
        }, map -> {
            Map<String, Object> truncated = asMap(map.get("truncated_at"));
            return new PartitionStats(((Number) map.get("rows")).longValue(), ((Number) map.get("applied")).longValue(),
                    ((Number) map.get("skipped")).longValue(),
                    truncated == null ? null : SourcePosition.fromMap(truncated));
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        return (Map<String, Object>) value;
    }

    private record MapSerde<T>(Function<T, Map<String, Object>> write, Function<Map<String, Object>, T> read)
            implements Serde<T> {

        @Override
        public Serializer<T> serializer() {
            return (topic, value) -> value == null ? null : Json.mapper().writeValueAsBytes(write.apply(value));
        }

        @Override
        public Deserializer<T> deserializer() {
            return (topic, data) -> {
                if (data == null) {
                    return null;
                }
                try {
                    return read.apply(Json.mapper().readValue(data, MAP));
                } catch (RuntimeException e) {
                    throw new SerializationException("cannot read a stored value of topic " + topic, e);
                }
            };
        }
    }
}
