package dev.streamworks.cdc.domain;

import dev.streamworks.common.event.ChangeEvent;
import dev.streamworks.common.event.InvalidEventException;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The key of a row in the service's outputs and stores: the primary key columns' values as
 * strings, joined by {@code |} in the configured column order ({@code 7}, {@code 42|EU}).
 * Each column is read from Debezium's key struct when the record has one, else from the row
 * ({@code after}, or {@code before} for a delete). Values are not escaped: a {@code |} inside a
 * key value makes two keys look alike, so choose key columns without it.
 */
public final class PrimaryKey {

    public static final String SEPARATOR = "|";

    private PrimaryKey() {
    }

    /**
     * @param keyStruct  the record key as Debezium writes it (envelope removed), or null
     * @param event      the change
     * @param keyColumns the table's primary key columns
     * @throws InvalidEventException when a column is in neither, or is not a scalar
     */
    public static String of(Map<String, Object> keyStruct, ChangeEvent event, List<String> keyColumns) {
        Map<String, Object> row = event.op() == ChangeEvent.Op.DELETE && event.before() != null ? event.before()
                : event.after() != null ? event.after() : event.before();
        StringJoiner key = new StringJoiner(SEPARATOR);
        for (String column : keyColumns) {
            Object value = keyStruct != null ? keyStruct.get(column) : null;
            if (value == null && row != null) {
                value = row.get(column);
            }
            if (value == null) {
                throw new InvalidEventException("key column '" + column + "' is in neither the record key nor the row");
            }
            key.add(text(column, value));
        }
        return key.toString();
    }

    private static String text(String column, Object value) {
        if (value instanceof String text) {
            return text;
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        throw new InvalidEventException("key column '" + column + "' must be a string, number or boolean, was "
                + value);
    }
}
