package dev.streamworks.differential.ref;

import tools.jackson.databind.JsonNode;

import java.util.List;

/** Reading an {@link Expected} in the reference model's tests. */
final class Outputs {

    private Outputs() {
    }

    static List<JsonNode> values(Expected expected, String topic, String key) {
        return expected.records(topic).stream().filter(out -> out.key().equals(key)).map(Out::value).toList();
    }

    static JsonNode window(Expected expected, String topic, String key, String start) {
        return values(expected, topic, key).stream()
                .filter(value -> value.path("window").path("start").asString("").equals(Inputs.at(start).toString()))
                .reduce((first, second) -> {
                    throw new AssertionError("two records for one window");
                }).orElse(null);
    }

    static List<String> lateReasons(Expected expected, String late, String valueContains) {
        return expected.records(late).stream().filter(out -> out.value().asString().contains(valueContains))
                .map(Out::reason).sorted().toList();
    }
}
