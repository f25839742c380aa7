package dev.streamworks.faults;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class VerdictTest {

    private static Judge.Output out(String key, String value) {
        return new Judge.Output(key, value);
    }

    private static Target with(Map<String, Target.Compare> outputs) {
        return new Target("t", "Main", "t", List.of("in"), "/%s", outputs, (clock, seed) -> List.of(), List.of());
    }

    @Test
    void shouldCountLostDuplicatedAndUnexpectedEvents() {
        Target target = with(Map.of("alerts", Target.Compare.EVENTS));
        Map<String, List<Judge.Output>> expected = Map.of("alerts", List.of(out("a", "1"), out("b", "2"), out("c", "3")));
        Map<String, List<Judge.Output>> actual = Map.of("alerts", List.of(out("a", "1"), out("a", "1"), out("c", "3"),
                out("d", "4")));

        Verdict verdict = Verdict.of(target, expected, actual);

        assertThat(verdict.compared()).isEqualTo(3);
        assertThat(verdict.lost()).isEqualTo(1);
        assertThat(verdict.duplicated()).isEqualTo(1);
        assertThat(verdict.unexpected()).isEqualTo(1);
        assertThat(verdict.exact()).isFalse();
        assertThat(verdict.examples()).hasSize(3);
    }

    @Test
    void shouldCompareTablesOnTheLastValuePerKeyAndWindow() {
        Target target = with(Map.of("counts", Target.Compare.TABLE));
        String w1 = "{\"window\":{\"start\":\"2025-12-09T13:00:00Z\",\"end\":\"2025-12-09T13:05:00Z\"},\"clicks\":";
        String w2 = "{\"window\":{\"start\":\"2025-12-09T13:05:00Z\",\"end\":\"2025-12-09T13:10:00Z\"},\"clicks\":";
        Map<String, List<Judge.Output>> expected = Map.of("counts", List.of(out("p", w1 + "1}"), out("p", w1 + "2}"),
                out("p", w2 + "1}")));
        // a crash re-emitted an update; the last value of each window is the same
        Map<String, List<Judge.Output>> actual = Map.of("counts", List.of(out("p", w1 + "1}"), out("p", w1 + "1}"),
                out("p", w1 + "2}"), out("p", w2 + "1}")));

        assertThat(Verdict.of(target, expected, actual).exact()).isTrue();
        assertThat(Verdict.of(target, expected, Map.of("counts", List.of(out("p", w1 + "2}")))).lost()).isEqualTo(1);
    }
}
