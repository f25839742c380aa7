package dev.streamworks.cdc.query;

import java.util.List;

/** A bounded listing of the rows this instance holds; {@code more} when the limit cut it short. */
record RowsView(String table, int limit, List<RowView> rows, boolean more) {
}
