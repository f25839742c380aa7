package dev.streamworks.faults;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Outputs of a run against what the judge expected: records compared, lost (expected, not
 * there), duplicated (there more often than expected) and unexpected (never expected), per output.
 */
record Verdict(long compared, long lost, long duplicated, long unexpected, List<String> examples) {

    boolean exact() {
        return lost == 0 && duplicated == 0 && unexpected == 0;
    }

    static Verdict of(Target target, Map<String, List<Judge.Output>> expected, Map<String, List<Judge.Output>> actual) {
        long compared = 0;
        long lost = 0;
        long duplicated = 0;
        long unexpected = 0;
        List<String> examples = new ArrayList<>();
        for (Map.Entry<String, Target.Compare> output : new TreeMap<>(target.outputs()).entrySet()) {
            String topic = output.getKey();
            List<Judge.Output> want = expected.getOrDefault(topic, List.of());
            List<Judge.Output> got = actual.getOrDefault(topic, List.of());
            if (output.getValue() == Target.Compare.TABLE) {
                want = lastPerKey(want);
                got = lastPerKey(got);
            }
            Map<Judge.Output, Integer> wantCounts = counts(want);
            Map<Judge.Output, Integer> gotCounts = counts(got);
            compared += want.size();
            for (Map.Entry<Judge.Output, Integer> w : wantCounts.entrySet()) {
                int g = gotCounts.getOrDefault(w.getKey(), 0);
                if (g < w.getValue()) {
                    lost += w.getValue() - g;
                    example(examples, topic + " lost " + w.getKey());
                } else if (g > w.getValue()) {
                    duplicated += g - w.getValue();
                    example(examples, topic + " duplicated " + w.getKey());
                }
            }
            for (Map.Entry<Judge.Output, Integer> g : gotCounts.entrySet()) {
                if (!wantCounts.containsKey(g.getKey())) {
                    unexpected += g.getValue();
                    example(examples, topic + " unexpected " + g.getKey());
                }
            }
        }
        return new Verdict(compared, lost, duplicated, unexpected, examples);
    }

    private static void example(List<String> examples, String line) {
        if (examples.size() < 10) {
            examples.add(line.length() > 400 ? line.substring(0, 400) + "..." : line);
        }
    }

    /** The last record per key, a windowed result's key being its record key and its window. */
    private static List<Judge.Output> lastPerKey(List<Judge.Output> records) {
        Map<String, Judge.Output> last = new LinkedHashMap<>();
        records.forEach(r -> last.put(r.key() + "|" + window(r.value()), r));
        return last.values().stream().filter(r -> r.value() != null).toList();
    }

    private static String window(String value) {
        if (value == null || !value.contains("\"window\"")) {
            return "";
        }
        return dev.streamworks.common.serde.Json.mapper().readTree(value).path("window").toString();
    }

    private static Map<Judge.Output, Integer> counts(List<Judge.Output> records) {
        Map<Judge.Output, Integer> counts = new HashMap<>();
        records.forEach(r -> counts.merge(r, 1, Integer::sum));
        return counts;
    }
}
