package dev.streamworks.clickstream.domain;

/**
 * The part of a {@code cdc.users} row the enrichment needs. A row without a segment enriches as
 * {@link #UNKNOWN}, like a user that is not in the table.
 */
public record UserRow(String userId, String userSegment) {

    public static final String UNKNOWN = "unknown";

    /** The segment of {@code row}, {@link #UNKNOWN} when there is no row or it has no segment. */
    public static String segmentOf(UserRow row) {
        return row == null || row.userSegment() == null || row.userSegment().isBlank() ? UNKNOWN : row.userSegment();
    }
}
