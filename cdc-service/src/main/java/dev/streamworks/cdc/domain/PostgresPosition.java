package dev.streamworks.cdc.domain;

import dev.streamworks.common.event.InvalidEventException;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * A PostgreSQL position: Debezium's {@code source.sequence}, a string holding a JSON array of two
 * decimal strings, the last commit LSN and the event's LSN, either of which may be null. They are
 * compared as integers, the commit LSN first, null lowest. Without a sequence (older connectors)
 * or without its event LSN, the event LSN is {@code source.lsn}.
 *
 * @param commitLsn the last commit LSN, or null
 * @param eventLsn  the event's LSN, or null
 */
public record PostgresPosition(BigInteger commitLsn, BigInteger eventLsn) implements SourcePosition {

    public static final String CONNECTOR = "postgresql";

    public PostgresPosition {
        if (commitLsn == null && eventLsn == null) {
            throw new InvalidEventException("field 'source.sequence' holds no LSN and 'source.lsn' is missing");
        }
    }

    static PostgresPosition of(Map<String, Object> source) {
        BigInteger lsn = Numbers.bigInteger(source.get("lsn"), "source.lsn");
        Object sequence = source.get("sequence");
        if (sequence == null) {
            return new PostgresPosition(null, lsn);
        }
        List<BigInteger> pair = parseSequence(sequence);
        return new PostgresPosition(pair.get(0), pair.get(1) != null ? pair.get(1) : lsn);
    }

    /**
     * Reads {@code ["24023119","24023128"]} (nulls allowed, unquoted numbers tolerated). Also takes
     * an already parsed JSON array, as some converters deliver it.
     */
    static List<BigInteger> parseSequence(Object sequence) {
        List<?> elements;
        if (sequence instanceof List<?> list) {
            elements = list;
        } else if (sequence instanceof String text) {
            String trimmed = text.trim();
            if (!trimmed.startsWith("[") || !trimmed.endsWith("]")) {
                throw invalidSequence(text);
            }
            String inner = trimmed.substring(1, trimmed.length() - 1);
            elements = inner.isBlank() ? List.of() : List.of(inner.split(",", -1));
        } else {
            throw new InvalidEventException("field 'source.sequence' must be a string, was " + sequence);
        }
        if (elements.size() != 2) {
            throw invalidSequence(sequence);
        }
        return java.util.Arrays.asList(element(elements.get(0), sequence), element(elements.get(1), sequence));
    }

    private static BigInteger element(Object element, Object sequence) {
        if (element == null) {
            return null;
        }
        if (!(element instanceof String)) {
            return Numbers.bigInteger(element, "source.sequence");
        }
        String text = ((String) element).trim();
        if (text.equals("null")) {
            return null;
        }
        if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
            text = text.substring(1, text.length() - 1);
        }
        if (text.isEmpty() || !text.chars().allMatch(Character::isDigit)) {
            throw invalidSequence(sequence);
        }
        return new BigInteger(text);
    }

    private static InvalidEventException invalidSequence(Object sequence) {
        return new InvalidEventException("field 'source.sequence' must be a JSON array of two decimal strings "
                + "or nulls, was '" + sequence + "'");
    }

    @Override
    public String connector() {
        return CONNECTOR;
    }

    @Override
    public boolean isAfter(SourcePosition applied) {
        if (!(applied instanceof PostgresPosition other)) {
            return true;
        }
        int byCommit = Numbers.compareNullsFirst(commitLsn, other.commitLsn);
        return byCommit != 0 ? byCommit > 0 : Numbers.compareNullsFirst(eventLsn, other.eventLsn) > 0;
    }

    /** {@code <commit LSN>:<event LSN>}, {@code null} for a missing one: {@code 24023119:24023128}. */
    @Override
    public String commitVersion() {
        return commitLsn + ":" + eventLsn;
    }

    @Override
    public Map<String, Object> toMap() {
        Map<String, Object> map = SourcePosition.stored(CONNECTOR);
        map.put("commit_lsn", commitLsn == null ? null : commitLsn.toString());
        map.put("event_lsn", eventLsn == null ? null : eventLsn.toString());
        return map;
    }
}
