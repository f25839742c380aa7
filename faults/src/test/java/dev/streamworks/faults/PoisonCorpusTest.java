package dev.streamworks.faults;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PoisonCorpusTest {

    private static final String READING = "{\"device_id\":\"d-1\",\"event_timestamp\":\"2025-12-09T13:00:00Z\","
            + "\"temperature\":21.5,\"humidity\":40.0,\"battery\":90.0}";
    private static final Instant NOW = Instant.parse("2025-12-10T13:00:00Z");

    @Test
    void shouldPadAValueToExactlyTheSizeAsked() {
        assertThat(PoisonCorpus.padded(READING, PoisonCorpus.MAX_RECORD_BYTES)).hasSize(PoisonCorpus.MAX_RECORD_BYTES);
        assertThat(PoisonCorpus.padded(READING, PoisonCorpus.MAX_RECORD_BYTES + 1))
                .hasSize(PoisonCorpus.MAX_RECORD_BYTES + 1);
    }

    @Test
    void shouldHoldEveryKindOfTheIssueForAnEventInput() {
        List<PoisonCorpus.Poison> corpus = PoisonCorpus.of("iot-telemetry", READING, NOW);

        assertThat(corpus).extracting(PoisonCorpus.Poison::kind).contains("not JSON", "truncated JSON", "JSON array",
                "JSON string", "JSON null", "empty value", "null value", "invalid UTF-8", "deeply nested",
                "duplicate key", "10 MB value", "just over max-record-bytes", "just under max-record-bytes",
                "device_id missing", "device_id null", "device_id wrong type", "humidity NaN", "humidity Infinity",
                "humidity 1e309", "humidity negative", "timestamp unparseable", "timestamp far in the future",
                "timestamp before 1970", "timestamp with an odd offset");
        assertThat(corpus).filteredOn(PoisonCorpus.Poison::good).extracting(PoisonCorpus.Poison::kind)
                .containsExactly("just under max-record-bytes");
        assertThat(corpus).filteredOn(p -> p.kind().equals("humidity NaN")).singleElement()
                .satisfies(p -> assertThat(new String(p.value())).contains("\"humidity\":NaN"));
    }

    @Test
    void shouldTakeATombstoneOnADebeziumTopicAsSkippedNotBad() {
        List<PoisonCorpus.Poison> corpus = PoisonCorpus.of("mysql.prod.users",
                "{\"op\":\"c\",\"after\":{\"user_id\":\"u-1\"},\"source\":{\"ts_ms\":1}}", NOW);

        assertThat(corpus).filteredOn(p -> p.kind().equals("null value")).singleElement()
                .satisfies(p -> assertThat(p.skipped()).isTrue());
        assertThat(corpus).extracting(PoisonCorpus.Poison::kind).contains("op missing", "source.ts_ms far in the future");
    }
}
