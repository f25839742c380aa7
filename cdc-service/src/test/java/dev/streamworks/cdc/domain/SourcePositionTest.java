package dev.streamworks.cdc.domain;

import dev.streamworks.common.event.InvalidEventException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SourcePositionTest {

    private static Map<String, Object> source(Object... pairs) {
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        map.put("ts_ms", 1L);
        return map;
    }

    private static SourcePosition pg(String sequence, Long lsn) {
        return SourcePosition.of(source("sequence", sequence, "lsn", lsn));
    }

    private static SourcePosition mysql(String file, long pos, int row) {
        return SourcePosition.of(source("file", file, "pos", pos, "row", row));
    }

    @Nested
    class Postgres {

        @Test
        void shouldReadTheSequenceAsCommitLsnThenEventLsn() {
            assertThat(pg("[\"24023119\",\"24023128\"]", 24023128L))
                    .isEqualTo(new PostgresPosition(BigInteger.valueOf(24023119), BigInteger.valueOf(24023128)));
            assertThat(pg(" [ null , \"5\" ] ", 5L)).isEqualTo(new PostgresPosition(null, BigInteger.valueOf(5)));
        }

        @Test
        void shouldCompareTheCommitLsnFirst() {
            assertThat(pg("[\"200\",\"150\"]", 150L).isAfter(pg("[\"100\",\"900\"]", 900L))).isTrue();
            assertThat(pg("[\"100\",\"900\"]", 900L).isAfter(pg("[\"200\",\"150\"]", 150L))).isFalse();
        }

        @Test
        void shouldCompareTheEventLsnWithinOneCommit() {
            assertThat(pg("[\"100\",\"120\"]", 120L).isAfter(pg("[\"100\",\"110\"]", 110L))).isTrue();
            assertThat(pg("[\"100\",\"110\"]", 110L).isAfter(pg("[\"100\",\"120\"]", 120L))).isFalse();
        }

        @Test
        void shouldNotCountAnEqualPositionAsNewer() {
            assertThat(pg("[\"100\",\"110\"]", 110L).isAfter(pg("[\"100\",\"110\"]", 110L))).isFalse();
        }

        @Test
        void shouldRankANullCommitLsnLowest() {
            SourcePosition snapshot = pg("[null,\"900\"]", 900L);
            SourcePosition streamed = pg("[\"1\",\"2\"]", 2L);

            assertThat(streamed.isAfter(snapshot)).isTrue();
            assertThat(snapshot.isAfter(streamed)).isFalse();
        }

        @Test
        void shouldCompareIntegersNotText() {
            assertThat(pg("[\"10\",\"10\"]", 10L).isAfter(pg("[\"9\",\"9\"]", 9L))).isTrue();
            assertThat(pg("[\"18446744073709551615\",\"1\"]", 1L).isAfter(pg("[\"9223372036854775807\",\"1\"]", 1L)))
                    .as("LSNs are unsigned 64-bit").isTrue();
        }

        @Test
        void shouldFallBackToTheLsnWithoutASequence() {
            SourcePosition older = SourcePosition.of(source("lsn", 100L));
            SourcePosition newer = SourcePosition.of(source("lsn", 200L));

            assertThat(older).isEqualTo(new PostgresPosition(null, BigInteger.valueOf(100)));
            assertThat(newer.isAfter(older)).isTrue();
            assertThat(older.isAfter(newer)).isFalse();
        }

        @Test
        void shouldFallBackToTheLsnWhenTheSequenceHasNoEventLsn() {
            assertThat(pg("[\"100\",null]", 150L)).isEqualTo(new PostgresPosition(BigInteger.valueOf(100),
                    BigInteger.valueOf(150)));
        }

        @Test
        void shouldRankANullEventLsnLowestWhenThereIsNoLsnEither() {
            SourcePosition noEvent = SourcePosition.of(source("sequence", "[\"100\",null]"));
            assertThat(pg("[\"100\",\"1\"]", 1L).isAfter(noEvent)).isTrue();
        }

        @Test
        void shouldAcceptAnAlreadyParsedSequence() {
            assertThat(SourcePosition.of(source("sequence", List.of("1", "2"))))
                    .isEqualTo(new PostgresPosition(BigInteger.ONE, BigInteger.TWO));
        }

        @Test
        void shouldRejectMalformedSequences() {
            assertThatThrownBy(() -> pg("[\"1\"]", 1L)).isInstanceOf(InvalidEventException.class);
            assertThatThrownBy(() -> pg("1,2", 1L)).isInstanceOf(InvalidEventException.class);
            assertThatThrownBy(() -> pg("[\"a\",\"2\"]", 1L)).isInstanceOf(InvalidEventException.class);
            assertThatThrownBy(() -> pg("[null,null]", null)).isInstanceOf(InvalidEventException.class);
        }

        @Test
        void shouldWriteTheCommitVersionAndReadItsStoredFormBack() {
            SourcePosition position = pg("[null,\"5\"]", 5L);

            assertThat(position.commitVersion()).isEqualTo("null:5");
            assertThat(SourcePosition.fromMap(position.toMap())).isEqualTo(position);
        }
    }

    @Nested
    class MySql {

        @Test
        void shouldCompareTheBinlogFilesNumericSuffix() {
            assertThat(mysql("mysql-bin.000010", 4, 0).isAfter(mysql("mysql-bin.000009", 99999, 9))).isTrue();
            assertThat(mysql("mysql-bin.999", 4, 0).isAfter(mysql("mysql-bin.1000", 4, 0)))
                    .as("by number, not text").isFalse();
        }

        @Test
        void shouldComparePosThenRowWithinAFile() {
            assertThat(mysql("mysql-bin.000003", 484, 0).isAfter(mysql("mysql-bin.000003", 154, 7))).isTrue();
            assertThat(mysql("mysql-bin.000003", 484, 1).isAfter(mysql("mysql-bin.000003", 484, 0))).isTrue();
            assertThat(mysql("mysql-bin.000003", 484, 0).isAfter(mysql("mysql-bin.000003", 484, 1))).isFalse();
        }

        @Test
        void shouldNotCountAnEqualPositionAsNewer() {
            assertThat(mysql("mysql-bin.000003", 484, 0).isAfter(mysql("mysql-bin.000003", 484, 0))).isFalse();
        }

        @Test
        void shouldTakeARowOfZeroWhenAbsent() {
            assertThat(SourcePosition.of(source("file", "mysql-bin.000001", "pos", 4L)))
                    .isEqualTo(new MySqlPosition("mysql-bin.000001", 4, 0));
        }

        @Test
        void shouldRequireTheFileAndPos() {
            assertThatThrownBy(() -> SourcePosition.of(source("file", "mysql-bin.000001")))
                    .isInstanceOf(InvalidEventException.class).hasMessageContaining("source.pos");
            assertThatThrownBy(() -> SourcePosition.of(source("pos", 4L)))
                    .isInstanceOf(InvalidEventException.class).hasMessageContaining("source.file");
        }

        @Test
        void shouldWriteTheCommitVersionAndReadItsStoredFormBack() {
            SourcePosition position = mysql("mysql-bin.000003", 484, 2);

            assertThat(position.commitVersion()).isEqualTo("mysql-bin.000003:484:2");
            assertThat(SourcePosition.fromMap(position.toMap())).isEqualTo(position);
        }
    }

    @Nested
    class Snapshots {

        @Test
        void shouldGiveEveryReadOfOneMySqlSnapshotTheSamePositionSoARepeatIsNotNewer() {
            SourcePosition first = SourcePosition.of(source("file", "mysql-bin.000003", "pos", 154L, "row", 0,
                    "snapshot", "true"));
            SourcePosition again = SourcePosition.of(source("file", "mysql-bin.000003", "pos", 154L, "row", 0,
                    "snapshot", "last"));

            assertThat(again).isEqualTo(first);
            assertThat(again.isAfter(first)).isFalse();
        }

        @Test
        void shouldPlaceALaterSnapshotAfterTheChangesStreamedBeforeIt() {
            SourcePosition streamed = mysql("mysql-bin.000003", 900, 0);
            SourcePosition resnapshot = mysql("mysql-bin.000004", 4, 0);

            assertThat(resnapshot.isAfter(streamed)).isTrue();
        }

        @Test
        void shouldGiveEveryReadOfOnePostgresSnapshotTheSamePosition() {
            assertThat(pg("[null,\"23896520\"]", 23896520L).isAfter(pg("[null,\"23896520\"]", 23896520L))).isFalse();
        }
    }

    @Test
    void shouldTreatAnotherConnectorsPositionAsNewer() {
        assertThat(mysql("mysql-bin.000001", 4, 0).isAfter(pg("[\"1\",\"2\"]", 2L))).isTrue();
        assertThat(pg("[\"1\",\"2\"]", 2L).isAfter(mysql("mysql-bin.000001", 4, 0))).isTrue();
    }

    @Test
    void shouldRejectASourceWithoutAPosition() {
        assertThatThrownBy(() -> SourcePosition.of(source("db", "prod"))).isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("no position");
        assertThatThrownBy(() -> SourcePosition.of(null)).isInstanceOf(InvalidEventException.class);
    }
}
