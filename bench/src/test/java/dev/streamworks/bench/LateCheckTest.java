package dev.streamworks.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class LateCheckTest {

    private static final String TOPIC = "clickstream.late";

    private static String click(String id) {
        return "{\"event_id\":\"" + id + "\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"user_id\":\"u-1\"}";
    }

    private static List<LateCheck.Read> lateFor(String output, String... ids) {
        return java.util.Arrays.stream(ids).map(id -> new LateCheck.Read(click(id), output)).toList();
    }

    private static List<LateCheck.Read> concat(List<LateCheck.Read> a, List<LateCheck.Read> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    @Test
    void aRecordPerOutputOfExactlyTheInjectedIdsIsExact() {
        LateCheck check = LateCheck.of(TOPIC, Set.of("b1-7", "b1-9"), concat(
                lateFor("clicks-per-product-5m", "b1-7", "b1-9"), lateFor("user-sessions", "b1-9", "b1-7")),
                Pipeline.CLICKSTREAM::eventId);

        assertThat(check.exact()).isTrue();
        assertThat(check.records()).isEqualTo(4);
        assertThat(check.found()).containsExactlyInAnyOrder("b1-7", "b1-9");
        assertThat(check.byOutput()).isEqualTo(Map.of("clicks-per-product-5m", 2L, "user-sessions", 2L));
        assertThat(check.line()).isEqualTo("late records: 2 injected, 4 in clickstream.late (2 ids) "
                + "(exactly the injected ids); per output: clicks-per-product-5m 2, user-sessions 2");
    }

    @Test
    void nothingInjectedAndNothingLateIsExact() {
        LateCheck check = LateCheck.of(TOPIC, Set.of(), List.of(), Pipeline.CLICKSTREAM::eventId);

        assertThat(check.exact()).isTrue();
        assertThat(check.line()).isEqualTo("late records: 0 injected, 0 in clickstream.late (none, as none were injected)");
    }

    @Test
    void namesTheMissingIds() {
        LateCheck check = LateCheck.of(TOPIC, new java.util.LinkedHashSet<>(List.of("b1-1", "b1-2", "b1-3")),
                lateFor("user-sessions", "b1-2"), Pipeline.CLICKSTREAM::eventId);

        assertThat(check.exact()).isFalse();
        assertThat(check.missing()).containsExactly("b1-1", "b1-3");
        assertThat(check.unexpected()).isEmpty();
        assertThat(check.line()).isEqualTo("late records: 3 injected, 1 in clickstream.late MISMATCH: "
                + "2 injected ids missing (b1-1, b1-3); per output: user-sessions 1");
    }

    @Test
    void namesTheUnexpectedIdsFirstFewOnly() {
        LateCheck check = LateCheck.of(TOPIC, Set.of("b1-1"),
                lateFor("event-type-counts", "b1-1", "b1-2", "b1-3", "b1-4", "b1-5", "b1-6", "b1-7"),
                Pipeline.CLICKSTREAM::eventId);

        assertThat(check.exact()).isFalse();
        assertThat(check.missing()).isEmpty();
        assertThat(check.unexpected()).containsExactly("b1-2", "b1-3", "b1-4", "b1-5", "b1-6", "b1-7");
        assertThat(check.line()).contains("MISMATCH: 6 unexpected ids (b1-2, b1-3, b1-4, b1-5, b1-6, …)");
    }

    @Test
    void bothMissingAndUnexpectedAndARecordWithoutAnIdAreReported() {
        List<LateCheck.Read> read = List.of(new LateCheck.Read(click("b1-5"), "user-sessions"),
                new LateCheck.Read("not json", null));
        LateCheck check = LateCheck.of(TOPIC, Set.of("b1-1"), read, Pipeline.CLICKSTREAM::eventId);

        assertThat(check.missing()).containsExactly("b1-1");
        assertThat(check.unexpected()).containsExactly("b1-5", "<no id: not json>");
        assertThat(check.line()).contains("1 injected ids missing (b1-1); 2 unexpected ids (b1-5, <no id: not json>)")
                .contains("(no x-late-reason) 1");
    }

    @Test
    void aReadingIsIdentifiedByDeviceAndEventTime() {
        BenchTelemetry telemetry = new BenchTelemetry(3, 1);
        String value = telemetry.next(1_767_225_600_123L).value();

        assertThat(Pipeline.IOT.eventId(value)).isEqualTo("bench-00000@2026-01-01T00:00:00.123Z");
        assertThat(Pipeline.CLICKSTREAM.eventId(new BenchClicks(1, 1, "r", 1).next(0).value())).isEqualTo("r-0");
        assertThat(Pipeline.IOT.eventId("{\"device_id\":\"d\"}")).isNull();
    }

    @Test
    void aTransactionIsIdentifiedByItsTransactionId() {
        String value = new BenchTransactions(3, "r", 1).next(1_767_225_600_123L).value();

        assertThat(Pipeline.FRAUD.eventId(value)).isEqualTo("tx-r-0");
        assertThat(Pipeline.FRAUD.eventId("{\"user_id\":\"u\"}")).isNull();
        // the late topic holds the transaction unchanged, so the check finds exactly its id
        LateCheck check = LateCheck.of("fraud.late", Set.of("tx-r-0"), List.of(new LateCheck.Read(value, "fraud-alerts")),
                Pipeline.FRAUD::eventId);
        assertThat(check.exact()).isTrue();
        assertThat(check.line()).contains("(exactly the injected ids)").contains("fraud-alerts 1");
    }
}
