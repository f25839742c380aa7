package dev.streamworks.differential.ref;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every output of a service for a given input, per topic (the contract's names, {@code .late} and
 * {@code .dlq} included), with how docs/semantics.md section 7 compares it.
 */
public final class Expected {

    /** How a topic is compared. */
    public enum Mode {
        /** final-mode outputs, the join, anomalies, alerts, .late, .dlq: the same multiset */
        MULTISET,
        /** update-mode windowed outputs: the same last value per key and window */
        LAST_PER_WINDOW,
        /** running tables: the same last value per key */
        LAST_PER_KEY,
        /** a wall-clock output: only the total of its {@code events} field is a function of the input */
        TOTAL_EVENTS
    }

    private final Map<String, Mode> modes = new LinkedHashMap<>();
    private final Map<String, List<Out>> records = new LinkedHashMap<>();

    public Expected declare(String topic, Mode mode) {
        modes.put(topic, mode);
        records.computeIfAbsent(topic, t -> new ArrayList<>());
        return this;
    }

    public void add(String topic, Out out) {
        if (!modes.containsKey(topic)) {
            throw new IllegalArgumentException("undeclared topic " + topic);
        }
        records.get(topic).add(out);
    }

    public Map<String, Mode> modes() {
        return modes;
    }

    public List<Out> records(String topic) {
        return records.getOrDefault(topic, List.of());
    }

    public String summary() {
        StringBuilder text = new StringBuilder();
        records.forEach((topic, outs) -> text.append(topic).append('=').append(outs.size()).append(' '));
        return text.toString().trim();
    }
}
