package dev.streamworks.bench;

import java.util.ArrayList;
import java.util.List;

/** One pipeline × mode × guarantee, with the results of its runs. */
final class Scenario {

    final String pipeline;
    final String mode;
    final String guarantee;
    final List<Results.Drain> drains = new ArrayList<>();
    final List<Results.Latency> latencies = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    String profile;

    Scenario(String pipeline, String mode, String guarantee) {
        this.pipeline = pipeline;
        this.mode = mode;
        this.guarantee = guarantee;
    }

    boolean isDrain() {
        return mode.equals("drain");
    }

    boolean hasResults() {
        return !drains.isEmpty() || !latencies.isEmpty();
    }

    List<Double> loads() {
        List<Double> loads = new ArrayList<>();
        drains.forEach(d -> loads.add(d.loadAtStart()));
        latencies.forEach(l -> loads.add(l.loadAtStart()));
        return loads;
    }
}
