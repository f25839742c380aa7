package dev.streamworks.cdc.domain;

import dev.streamworks.common.event.InvalidEventException;

import java.math.BigInteger;
import java.util.Map;

/**
 * A MySQL (or MariaDB) position: the binlog {@code file}, compared by its numeric suffix
 * ({@code mysql-bin.000012} after {@code mysql-bin.000009}), then {@code pos} in that file, then
 * {@code row} within the binlog event (several rows of one statement share a {@code pos}).
 *
 * @param file the binlog file name
 * @param pos  the event's position in the file
 * @param row  the row within the event; 0 when absent
 */
public record MySqlPosition(String file, long pos, long row) implements SourcePosition {

    public static final String CONNECTOR = "mysql";

    public MySqlPosition {
        if (file == null || file.isBlank()) {
            throw new InvalidEventException("missing required field 'source.file' (MySQL binlog file)");
        }
    }

    static MySqlPosition of(Map<String, Object> source) {
        Object file = source.get("file");
        if (file != null && !(file instanceof String)) {
            throw new InvalidEventException("field 'source.file' must be a string");
        }
        BigInteger pos = Numbers.bigInteger(source.get("pos"), "source.pos");
        if (pos == null) {
            throw new InvalidEventException("missing required field 'source.pos' (MySQL binlog position)");
        }
        BigInteger row = Numbers.bigInteger(source.get("row"), "source.row");
        return new MySqlPosition((String) file, pos.longValueExact(), row == null ? 0 : row.longValueExact());
    }

    /** The number at the end of the file name; -1 when it has none. */
    public long fileNumber() {
        int end = file.length();
        int start = end;
        while (start > 0 && Character.isDigit(file.charAt(start - 1))) {
            start--;
        }
        return start == end ? -1 : new BigInteger(file.substring(start, end)).longValue();
    }

    @Override
    public String connector() {
        return CONNECTOR;
    }

    @Override
    public boolean isAfter(SourcePosition applied) {
        if (!(applied instanceof MySqlPosition other)) {
            return true;
        }
        int byFile = Long.compare(fileNumber(), other.fileNumber());
        if (byFile != 0) {
            return byFile > 0;
        }
        int byPos = Long.compare(pos, other.pos);
        return byPos != 0 ? byPos > 0 : row > other.row;
    }

    /** {@code <file>:<pos>:<row>}, e.g. {@code mysql-bin.000003:154:0}. */
    @Override
    public String commitVersion() {
        return file + ":" + pos + ":" + row;
    }

    @Override
    public Map<String, Object> toMap() {
        Map<String, Object> map = SourcePosition.stored(CONNECTOR);
        map.put("file", file);
        map.put("pos", pos);
        map.put("row", row);
        return map;
    }
}
