package dev.streamworks.cdc.processor;

import dev.streamworks.cdc.domain.MySqlPosition;
import dev.streamworks.cdc.domain.PostgresPosition;
import dev.streamworks.cdc.domain.SourceChange;
import dev.streamworks.common.event.ChangeEvent;
import dev.streamworks.common.event.InvalidEventException;
import dev.streamworks.common.serde.Parsed;
import dev.streamworks.common.testing.TestTimes;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Debezium's documented event shapes, PostgreSQL and MySQL, with and without the schema envelope. */
class ChangeSerdeTest {

    private final ChangeSerde serde = new ChangeSerde(1024 * 1024, Duration.ofHours(1), TestTimes.CLOCK);

    private static byte[] fixture(String name) {
        try (InputStream in = ChangeSerdeTest.class.getResourceAsStream("/debezium/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private SourceChange read(String fixture) {
        Parsed<SourceChange> parsed = serde.deserializer().deserialize("t", fixture(fixture));
        assertThat(parsed.bytes()).isEqualTo(fixture(fixture));
        return parsed.value();
    }

    @Test
    @DisplayName("PostgreSQL create with the schema/payload envelope")
    void shouldReadAPostgresCreateWithSchema() {
        SourceChange change = read("postgres-create-with-schema.json");

        assertThat(change.op()).isEqualTo(ChangeEvent.Op.CREATE);
        assertThat(change.event().before()).isNull();
        assertThat(change.event().after()).containsEntry("id", 1).containsEntry("email", "annek@noanswer.org");
        assertThat(change.position()).isEqualTo(new PostgresPosition(BigInteger.valueOf(24023119),
                BigInteger.valueOf(24023128)));
        assertThat(change.eventTime()).isEqualTo(Instant.ofEpochMilli(1559033904863L));
    }

    @Test
    void shouldReadPostgresUpdateDeleteSnapshotAndTruncateWithoutSchema() {
        SourceChange update = read("postgres-update-no-schema.json");
        SourceChange delete = read("postgres-delete-no-schema.json");
        SourceChange snapshot = read("postgres-snapshot-read-no-schema.json");
        SourceChange truncate = read("postgres-truncate-no-schema.json");

        assertThat(update.op()).isEqualTo(ChangeEvent.Op.UPDATE);
        assertThat(update.event().after()).containsEntry("first_name", "Anne Marie");
        assertThat(delete.op()).isEqualTo(ChangeEvent.Op.DELETE);
        assertThat(delete.event().before()).containsEntry("id", 1).containsEntry("email", null);
        assertThat(snapshot.op()).isEqualTo(ChangeEvent.Op.READ);
        assertThat(snapshot.position()).isEqualTo(new PostgresPosition(null, BigInteger.valueOf(23896520)));
        assertThat(truncate.op()).isEqualTo(ChangeEvent.Op.TRUNCATE);
        assertThat(truncate.position().isAfter(delete.position())).isTrue();
        assertThat(delete.position().isAfter(update.position())).isTrue();
        assertThat(update.position().isAfter(snapshot.position())).isTrue();
    }

    @Test
    @DisplayName("MySQL create with the schema/payload envelope")
    void shouldReadAMySqlCreateWithSchema() {
        SourceChange change = read("mysql-create-with-schema.json");

        assertThat(change.op()).isEqualTo(ChangeEvent.Op.CREATE);
        assertThat(change.event().after()).containsEntry("id", 1004).containsEntry("first_name", "Anne");
        assertThat(change.position()).isEqualTo(new MySqlPosition("mysql-bin.000003", 154, 0));
        assertThat(change.eventTime()).as("source.ts_ms, not the envelope's ts_ms")
                .isEqualTo(Instant.ofEpochMilli(1465491411000L));
    }

    @Test
    void shouldReadMySqlUpdateDeleteAndSnapshotWithoutSchema() {
        SourceChange update = read("mysql-update-no-schema.json");
        SourceChange delete = read("mysql-delete-no-schema.json");
        SourceChange snapshot = read("mysql-snapshot-read-no-schema.json");

        assertThat(update.event().before()).containsEntry("first_name", "Anne");
        assertThat(update.event().after()).containsEntry("first_name", "Anne Marie");
        assertThat(update.position()).isEqualTo(new MySqlPosition("mysql-bin.000003", 484, 0));
        assertThat(delete.op()).isEqualTo(ChangeEvent.Op.DELETE);
        assertThat(delete.event().after()).isNull();
        assertThat(snapshot.op()).isEqualTo(ChangeEvent.Op.READ);
        assertThat(snapshot.position()).isEqualTo(new MySqlPosition("mysql-bin.000003", 154, 0));
    }

    @Test
    void shouldReadDebeziumsTombstoneAsNull() {
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
    }

    @Test
    void shouldRejectMalformedEvents() {
        assertThatThrownBy(() -> serde.parse("not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> serde.parse(("{\"op\":\"x\",\"after\":{},\"source\":{\"ts_ms\":1,\"lsn\":1}}")
                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("'op'");
        assertThatThrownBy(() -> serde.parse(("{\"op\":\"c\",\"after\":{\"user_id\":1},\"source\":{\"ts_ms\":1}}")
                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("no position");
        assertThatThrownBy(() -> serde.parse(("{\"op\":\"c\",\"after\":{\"user_id\":1},"
                + "\"source\":{\"ts_ms\":1,\"sequence\":\"[1,2,3]\"}}").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("source.sequence");
    }

    @Test
    void shouldReadKeyStructsWithAndWithoutSchema() {
        assertThat(KeyStructSerde.parse(fixture("mysql-key-with-schema.json"))).isEqualTo(Map.of("id", 1004));
        assertThat(KeyStructSerde.parse(fixture("postgres-key-with-schema.json"))).isEqualTo(Map.of("id", 1));
        assertThat(KeyStructSerde.parse("{\"user_id\":7}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(Map.of("user_id", 7));
        assertThat(KeyStructSerde.parse(null)).isNull();
        assertThat(KeyStructSerde.parse(new byte[0])).isNull();
        assertThatThrownBy(() -> KeyStructSerde.parse("7]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("key struct");
    }
}
