package dev.streamworks.differential.compare;

import dev.streamworks.differential.ref.Expected;
import dev.streamworks.differential.ref.Out;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The comparison says equal only when section 7 of docs/semantics.md does, and says what differs. */
class ComparisonTest {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private static Out out(String key, String json) {
        return new Out(key, MAPPER.readTree(json), null);
    }

    private static String window(String start, long clicks, double revenue) {
        return "{\"window\":{\"start\":\"" + start + "\",\"end\":\"x\"},\"clicks\":" + clicks + ",\"revenue\":" + revenue + "}";
    }

    @Test
    void comparesUpdateModeByTheLastValuePerKeyAndWindow() {
        Expected expected = new Expected().declare("w", Expected.Mode.LAST_PER_WINDOW);
        expected.add("w", out("p1", window("a", 2, 0.3)));
        expected.add("w", out("p1", window("b", 1, 1)));
        Comparison.Report equal = Comparison.compare(expected, Map.of("w", List.of(
                out("p1", window("a", 1, 0.1)), out("p1", window("b", 1, 1)), out("p1", window("a", 2, 0.1 + 0.2)))), 5);
        assertThat(equal.equal()).as(equal.render()).isTrue();

        Comparison.Report wrong = Comparison.compare(expected, Map.of("w", List.of(
                out("p1", window("a", 2, 0.3)), out("p1", window("a", 3, 0.3)), out("p2", window("b", 1, 1)))), 5);
        assertThat(wrong.equal()).isFalse();
        assertThat(wrong.topics().get(0).wrong()).isEqualTo(1);
        assertThat(wrong.topics().get(0).missing()).isEqualTo(1);
        assertThat(wrong.topics().get(0).extra()).isEqualTo(1);
        assertThat(wrong.render()).contains("wrong   p1 a..x: .clicks: expected 2, got 3");
    }

    @Test
    void comparesMultisetsCountingCopies() {
        Expected expected = new Expected().declare("late", Expected.Mode.MULTISET);
        JsonNode text = MAPPER.getNodeFactory().stringNode("{\"a\":1}");
        expected.add("late", new Out("k", text, "r1"));
        expected.add("late", new Out("k", text, "r1"));
        expected.add("late", new Out("k", text, "r2"));
        assertThat(Comparison.compare(expected, Map.of("late", List.of(new Out("k", text, "r2"),
                new Out("k", text, "r1"), new Out("k", text, "r1"))), 5).equal()).isTrue();
        Comparison.Report report = Comparison.compare(expected, Map.of("late", List.of(new Out("k", text, "r1"),
                new Out("k", text, "r3"))), 5);
        assertThat(report.counts()).contains("late: 2 missing, 1 extra, 0 wrong");
    }

    @Test
    void acceptsNamesInAnyOrderAbsentNullsAndExtraFieldsButNotOtherValues() {
        Expected expected = new Expected().declare("a", Expected.Mode.MULTISET);
        expected.add("a", out("u", "{\"alert_id\":\"u@1\",\"reasons\":[\"A\",\"B\"],\"avg\":null,\"risk_score\":0.5833}"));
        assertThat(Comparison.compare(expected, Map.of("a", List.of(
                out("u", "{\"alert_id\":\"u@1\",\"reasons\":[\"B\",\"A\"],\"risk_score\":0.5834,\"more\":1}"))), 5).equal()).isTrue();
        assertThat(Comparison.compare(expected, Map.of("a", List.of(
                out("u", "{\"alert_id\":\"u@1\",\"reasons\":[\"B\"],\"risk_score\":0.5833}"))), 5).equal()).isFalse();
        assertThat(Comparison.compare(expected, Map.of("a", List.of(
                out("u", "{\"alert_id\":\"u@1\",\"reasons\":[\"A\",\"B\"],\"avg\":1,\"risk_score\":0.5833}"))), 5).equal()).isFalse();
        assertThat(Comparison.compare(expected, Map.of("a", List.of()), 5).render()).contains("missing u {\"alert_id\":\"u@1\"");
    }

    @Test
    void totalsTheEventsOfAWallClockOutput() {
        Expected expected = new Expected().declare("lateness", Expected.Mode.TOTAL_EVENTS);
        expected.add("lateness", out("all", "{\"events\":5}"));
        assertThat(Comparison.compare(expected, Map.of("lateness", List.of(out("all", "{\"events\":2}"),
                out("all", "{\"events\":3}"))), 5).equal()).isTrue();
        assertThat(Comparison.compare(expected, Map.of("lateness", List.of(out("all", "{\"events\":4}"))), 5).equal()).isFalse();
    }
}
