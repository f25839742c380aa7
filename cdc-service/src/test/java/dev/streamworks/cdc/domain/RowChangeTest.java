package dev.streamworks.cdc.domain;

import dev.streamworks.common.event.ChangeEvent;
import dev.streamworks.common.event.InvalidEventException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.streamworks.common.testing.TestTimes.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RowChangeTest {

    private static final Map<String, Object> ANNE = Map.of("user_id", 7, "user_segment", "new");
    private static final Map<String, Object> ANNE_VIP = Map.of("user_id", 7, "user_segment", "vip");

    private static SourceChange change(ChangeEvent.Op op, Map<String, Object> before, Map<String, Object> after,
                                       long pos) {
        Map<String, Object> source = new HashMap<>(Map.of("file", "mysql-bin.000001", "pos", pos, "ts_ms",
                T0.toEpochMilli() + pos));
        return SourceChange.of(new ChangeEvent(op, before, after, source, null));
    }

    private static StoredRow stored(Map<String, Object> row, long pos) {
        return new StoredRow(row, new MySqlPosition("mysql-bin.000001", pos, 0), Instant.ofEpochMilli(pos));
    }

    @Test
    void shouldInsertAnUnknownKey() {
        RowChange.Outcome outcome = RowChange.apply(null, null, change(ChangeEvent.Op.CREATE, null, ANNE, 10));

        assertThat(outcome.skipped()).isFalse();
        assertThat(outcome.tableValue()).isEqualTo(ANNE);
        assertThat(outcome.feed()).extracting(FeedRecord::type).containsExactly(ChangeType.INSERT);
        assertThat(outcome.next().row()).isEqualTo(ANNE);
    }

    @Test
    void shouldTreatAnUpdateOfAnUnknownKeyAsAnInsert() {
        RowChange.Outcome outcome = RowChange.apply(null, null, change(ChangeEvent.Op.UPDATE, null, ANNE, 10));

        assertThat(outcome.feed()).extracting(FeedRecord::type).containsExactly(ChangeType.INSERT);
    }

    @Test
    void shouldTakeThePreImageFromTheStoreNotFromDebeziumsBefore() {
        Map<String, Object> keyOnly = Map.of("user_id", 7);

        RowChange.Outcome outcome = RowChange.apply(stored(ANNE, 10), null,
                change(ChangeEvent.Op.UPDATE, keyOnly, ANNE_VIP, 20));

        assertThat(outcome.feed()).extracting(FeedRecord::type, FeedRecord::row).containsExactly(
                org.assertj.core.groups.Tuple.tuple(ChangeType.UPDATE_PREIMAGE, ANNE),
                org.assertj.core.groups.Tuple.tuple(ChangeType.UPDATE_POSTIMAGE, ANNE_VIP));
    }

    @Test
    void shouldUpsertASnapshotReadOrCreateOfAnExistingKey() {
        for (ChangeEvent.Op op : List.of(ChangeEvent.Op.READ, ChangeEvent.Op.CREATE)) {
            RowChange.Outcome outcome = RowChange.apply(stored(ANNE, 10), null, change(op, null, ANNE_VIP, 20));

            assertThat(outcome.feed()).extracting(FeedRecord::type)
                    .containsExactly(ChangeType.UPDATE_PREIMAGE, ChangeType.UPDATE_POSTIMAGE);
        }
    }

    @Test
    void shouldDeleteWithTheStoredRowAndKeepAMarker() {
        RowChange.Outcome outcome = RowChange.apply(stored(ANNE_VIP, 10), null,
                change(ChangeEvent.Op.DELETE, Map.of("user_id", 7), null, 20));

        assertThat(outcome.emit()).isTrue();
        assertThat(outcome.tableValue()).as("tombstone").isNull();
        assertThat(outcome.feed()).singleElement().satisfies(feed -> {
            assertThat(feed.type()).isEqualTo(ChangeType.DELETE);
            assertThat(feed.row()).isEqualTo(ANNE_VIP);
        });
        assertThat(outcome.next().live()).isFalse();
        assertThat(outcome.next().position()).isEqualTo(new MySqlPosition("mysql-bin.000001", 20, 0));
    }

    @Test
    void shouldOnlyRecordThePositionOfADeleteOfAnUnknownKey() {
        RowChange.Outcome outcome = RowChange.apply(null, null, change(ChangeEvent.Op.DELETE, ANNE, null, 20));

        assertThat(outcome.skipped()).isFalse();
        assertThat(outcome.emit()).isFalse();
        assertThat(outcome.feed()).isEmpty();
        assertThat(outcome.next().live()).isFalse();
    }

    @Test
    void shouldSkipAChangeNotNewerThanTheKeysPosition() {
        assertThat(RowChange.apply(stored(ANNE, 20), null, change(ChangeEvent.Op.UPDATE, null, ANNE_VIP, 20))
                .skipped()).as("equal").isTrue();
        assertThat(RowChange.apply(stored(ANNE, 20), null, change(ChangeEvent.Op.UPDATE, null, ANNE_VIP, 19))
                .skipped()).as("older").isTrue();
        assertThat(RowChange.apply(stored(null, 20), null, change(ChangeEvent.Op.CREATE, null, ANNE, 15))
                .skipped()).as("a replayed insert does not bring a deleted row back").isTrue();
    }

    @Test
    void shouldSkipAChangeNotNewerThanTheLastTruncate() {
        RowChange.Outcome outcome = RowChange.apply(null, new MySqlPosition("mysql-bin.000001", 30, 0),
                change(ChangeEvent.Op.CREATE, null, ANNE, 25));

        assertThat(outcome.skipped()).isTrue();
    }

    @Test
    void shouldTruncateOnlyWhatWasAppliedBeforeTheTruncate() {
        SourcePosition truncate = new MySqlPosition("mysql-bin.000001", 30, 0);

        assertThat(RowChange.truncates(truncate, stored(ANNE, 29))).isTrue();
        assertThat(RowChange.truncates(truncate, stored(ANNE, 31))).isFalse();
    }

    @Test
    void shouldWriteTheFeedRecordWithItsMetadataColumns() {
        FeedRecord feed = new FeedRecord(ChangeType.UPDATE_POSTIMAGE, ANNE_VIP,
                new MySqlPosition("mysql-bin.000001", 20, 1), T0);

        assertThat(feed.toValue()).containsEntry("user_id", 7).containsEntry("user_segment", "vip")
                .containsEntry("_change_type", "update_postimage")
                .containsEntry("_commit_version", "mysql-bin.000001:20:1")
                .containsEntry("_commit_timestamp", "2025-12-09T13:00:00Z");
    }

    @Test
    void shouldBuildKeysFromTheKeyStructOrTheRow() {
        ChangeEvent insert = change(ChangeEvent.Op.CREATE, null, Map.of("tenant", "eu", "id", 42, "name", "x"), 1)
                .event();
        ChangeEvent delete = change(ChangeEvent.Op.DELETE, Map.of("tenant", "eu", "id", 42), null, 2).event();

        assertThat(PrimaryKey.of(Map.of("id", 42, "tenant", "eu"), insert, List.of("id", "tenant"))).isEqualTo("42|eu");
        assertThat(PrimaryKey.of(null, insert, List.of("tenant", "id"))).isEqualTo("eu|42");
        assertThat(PrimaryKey.of(null, delete, List.of("id"))).as("from before").isEqualTo("42");
        assertThat(PrimaryKey.of(Map.of("id", 42), insert, List.of("id", "tenant"))).as("struct, then row")
                .isEqualTo("42|eu");
        assertThatThrownBy(() -> PrimaryKey.of(Map.of("id", 42), insert, List.of("id", "region")))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("'region'");
    }
}
