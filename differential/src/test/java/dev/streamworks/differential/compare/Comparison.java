package dev.streamworks.differential.compare;

import dev.streamworks.differential.ref.Expected;
import dev.streamworks.differential.ref.Out;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares what a service wrote with the reference, per topic, as docs/semantics.md section 7
 * says: multisets for final outputs, the join, anomalies, alerts, {@code .late} and {@code .dlq};
 * the last value per key and window for update-mode windows; the last value per key for running
 * tables. Numbers are equal within a relative 1e-6 (sums of prices in another order), the risk score
 * within its printed precision; arrays of names ({@code reasons}, {@code countries}) in any order;
 * a field the contract leaves null may also be absent; fields beyond the contract's are ignored.
 */
public final class Comparison {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    /** The differences of one topic, with the first examples. */
    public record TopicDiff(String topic, Expected.Mode mode, int expected, int actual, int missing, int extra,
                            int wrong, List<String> examples) {

        public boolean equal() {
            return missing == 0 && extra == 0 && wrong == 0;
        }

        public String counts() {
            return topic + ": " + (equal() ? "equal" : missing + " missing, " + extra + " extra, " + wrong + " wrong")
                    + " (expected " + expected + ", got " + actual + (mode == Expected.Mode.MULTISET ? "" : " distinct keys")
                    + ")";
        }
    }

    /** Every topic's differences. */
    public record Report(List<TopicDiff> topics) {

        public boolean equal() {
            return topics.stream().allMatch(TopicDiff::equal);
        }

        /** One line per topic. */
        public String counts() {
            StringBuilder text = new StringBuilder();
            topics.forEach(topic -> text.append("  ").append(topic.counts()).append('\n'));
            return text.toString();
        }

        /** One line per topic, then the first differences of each topic that differs. */
        public String render() {
            StringBuilder text = new StringBuilder(counts());
            for (TopicDiff topic : topics) {
                if (!topic.equal()) {
                    text.append(topic.topic()).append(", first differences:\n");
                    topic.examples().forEach(example -> text.append("    ").append(example).append('\n'));
                }
            }
            return text.toString();
        }
    }

    private Comparison() {
    }

    /** Compares {@code actual} (records per contract topic name, in the order read) with {@code expected}. */
    public static Report compare(Expected expected, Map<String, List<Out>> actual, int examples) {
        List<TopicDiff> diffs = new ArrayList<>();
        expected.modes().forEach((topic, mode) ->
                diffs.add(compare(topic, mode, expected.records(topic), actual.getOrDefault(topic, List.of()), examples)));
        return new Report(diffs);
    }

    static TopicDiff compare(String topic, Expected.Mode mode, List<Out> expected, List<Out> actual, int examples) {
        Map<String, List<Out>> want = group(mode, expected);
        Map<String, List<Out>> got = group(mode, reduce(mode, actual));
        int missing = 0;
        int extra = 0;
        int wrong = 0;
        List<String> shown = new ArrayList<>();
        Map<String, Boolean> identities = new TreeMap<>();
        want.keySet().forEach(id -> identities.put(id, true));
        got.keySet().forEach(id -> identities.put(id, true));
        for (String id : identities.keySet()) {
            List<Out> left = new ArrayList<>(want.getOrDefault(id, List.of()));
            List<Out> right = new ArrayList<>(got.getOrDefault(id, List.of()));
            left.removeIf(out -> {
                for (int i = 0; i < right.size(); i++) {
                    if (difference(out, right.get(i)) == null) {
                        right.remove(i);
                        return true;
                    }
                }
                return false;
            });
            int pairs = Math.min(left.size(), right.size());
            for (int i = 0; i < pairs; i++) {
                wrong++;
                show(shown, examples, "wrong   " + shorten(id) + ": " + difference(left.get(i), right.get(i))
                        + "\n      expected " + left.get(i) + "\n      got      " + right.get(i));
            }
            for (int i = pairs; i < left.size(); i++) {
                missing++;
                show(shown, examples, "missing " + left.get(i));
            }
            for (int i = pairs; i < right.size(); i++) {
                extra++;
                show(shown, examples, "extra   " + right.get(i));
            }
        }
        int expectedCount = want.values().stream().mapToInt(List::size).sum();
        int actualCount = got.values().stream().mapToInt(List::size).sum();
        return new TopicDiff(topic, mode, expectedCount, actualCount, missing, extra, wrong, shown);
    }

    private static void show(List<String> shown, int examples, String line) {
        if (shown.size() < examples) {
            shown.add(line);
        }
    }

    private static String shorten(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    /** The actual records as the mode compares them: the last per identity, or the total of events. */
    private static List<Out> reduce(Expected.Mode mode, List<Out> actual) {
        switch (mode) {
            case LAST_PER_WINDOW, LAST_PER_KEY -> {
                Map<String, Out> last = new LinkedHashMap<>();
                actual.forEach(out -> last.put(identity(mode, out), out));
                return new ArrayList<>(last.values());
            }
            case TOTAL_EVENTS -> {
                long total = actual.stream().mapToLong(out -> out.value().path("events").asLong(0)).sum();
                ObjectNode value = MAPPER.createObjectNode();
                value.put("events", total);
                return List.of(new Out("all", value, null));
            }
            default -> {
                return actual;
            }
        }
    }

    private static Map<String, List<Out>> group(Expected.Mode mode, List<Out> outs) {
        Map<String, List<Out>> groups = new LinkedHashMap<>();
        outs.forEach(out -> groups.computeIfAbsent(identity(mode, out), id -> new ArrayList<>()).add(out));
        return groups;
    }

    /** What a record is about, so that a diff says "wrong" for the same window rather than missing + extra. */
    static String identity(Expected.Mode mode, Out out) {
        JsonNode value = out.value();
        return switch (mode) {
            case LAST_PER_WINDOW -> out.key() + " " + value.path("window").path("start").asString("")
                    + ".." + value.path("window").path("end").asString("");
            case LAST_PER_KEY -> out.key();
            case TOTAL_EVENTS -> "total";
            case MULTISET -> {
                if (value == null || !value.isObject()) {
                    yield (out.reason() == null ? "" : out.reason() + " ") + out.key() + " "
                            + (value == null || value.isNull() ? "null" : value.asString());
                }
                if (value.has("alert_id")) {
                    yield value.path("alert_id").asString("");
                }
                if (value.has("impression_id")) {
                    yield value.path("impression_id").asString("") + "/" + value.path("click_event_id").asString("");
                }
                if (value.has("session")) {
                    yield out.key() + " " + value.path("session").path("start").asString("");
                }
                if (value.has("window")) {
                    yield out.key() + " " + value.path("window").path("start").asString("");
                }
                yield out.key() + " " + value;
            }
        };
    }

    /** Null when equal, else where they first differ. */
    static String difference(Out expected, Out actual) {
        if (!java.util.Objects.equals(expected.key(), actual.key())) {
            return "key " + expected.key() + " vs " + actual.key();
        }
        if (!java.util.Objects.equals(expected.reason(), actual.reason())) {
            return "x-late-reason " + expected.reason() + " vs " + actual.reason();
        }
        return difference("", expected.value(), actual.value());
    }

    static String difference(String path, JsonNode expected, JsonNode actual) {
        boolean actualAbsent = actual == null || actual.isMissingNode() || actual.isNull();
        if (expected == null || expected.isNull()) {
            return actualAbsent ? null : path + ": expected null, got " + actual;
        }
        if (actualAbsent) {
            return path + ": expected " + expected + ", got " + (actual == null || actual.isMissingNode() ? "nothing" : "null");
        }
        if (expected.isObject()) {
            if (!actual.isObject()) {
                return path + ": expected an object, got " + actual;
            }
            for (Map.Entry<String, JsonNode> field : expected.properties()) {
                String difference = difference(path + "." + field.getKey(), field.getValue(), actual.get(field.getKey()));
                if (difference != null) {
                    return difference;
                }
            }
            return null;
        }
        if (expected.isArray()) {
            if (!actual.isArray() || actual.size() != expected.size()) {
                return path + ": expected " + expected + ", got " + actual;
            }
            List<String> left = new ArrayList<>();
            List<String> right = new ArrayList<>();
            expected.forEach(node -> left.add(node.toString()));
            actual.forEach(node -> right.add(node.toString()));
            left.sort(null);
            right.sort(null);
            return left.equals(right) ? null : path + ": expected " + expected + ", got " + actual;
        }
        if (expected.isNumber()) {
            if (!actual.isNumber()) {
                return path + ": expected " + expected + ", got " + actual;
            }
            double want = expected.doubleValue();
            double got = actual.doubleValue();
            double tolerance = path.endsWith("risk_score") ? 1.01e-4 : 1e-6 * Math.max(1, Math.abs(want));
            return Math.abs(want - got) <= tolerance ? null : path + ": expected " + expected + ", got " + actual;
        }
        return expected.equals(actual) ? null : path + ": expected " + expected + ", got " + actual;
    }
}
