package dev.streamworks.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/** Renders the results: the console table and the BENCHMARKS.md section. */
final class Report {

    /** The targets (exactly-once): drain/plain-consumer ratio per pipeline, p99, resident memory. */
    static final Map<String, Double> DRAIN_RATIO_TARGET = Map.of("iot", 0.5, "clickstream", 0.35,
            "clicks-per-product", 0.35);
    static final double P99_TARGET_MS = 150;
    /** Issue 14: each pipeline drains a backlog at least this many times as fast as Spark, both from process launch. */
    static final double PEER_SPEEDUP_TARGET = 1.5;
    static final double RSS_TARGET_MB = 600;

    /** The machine and versions, for the record. */
    record Machine(int cores, String cpu, long memoryMb, String jdk, String kafka, String boot) {

        String describe() {
            return String.format(Locale.ROOT, "%d cores (%s), %,d MB memory, JDK %s, Kafka %s (clients and broker), "
                    + "Spring Boot %s", cores, cpu, memoryMb, jdk, kafka, boot);
        }
    }

    private Report() {
    }

    static String drainTarget(Scenario s) {
        Double target = DRAIN_RATIO_TARGET.get(s.pipeline);
        if (target == null || !s.guarantee.equals(BenchOptions.EXACTLY_ONCE) || s.drains.isEmpty()) {
            return "–";
        }
        double ratio = summary(s.drains, Results.Drain::ratio).median();
        return String.format(Locale.ROOT, "%s (≥ %.2f)", ratio >= target ? "met" : "MISSED", target);
    }

    static String latencyTarget(Scenario s) {
        if (s.latencies.isEmpty()) {
            return "–";
        }
        double rss = summary(s.latencies, Results.Latency::peakRssMb).max();
        String memory = rss <= RSS_TARGET_MB ? "RSS met" : "RSS MISSED";
        if (!s.guarantee.equals(BenchOptions.EXACTLY_ONCE)) {
            return memory + String.format(Locale.ROOT, " (≤ %.0f MB)", RSS_TARGET_MB);
        }
        double p99 = summary(s.latencies, Results.Latency::p99Ms).median();
        return (p99 <= P99_TARGET_MS ? "p99 met" : "p99 MISSED") + ", " + memory
                + String.format(Locale.ROOT, " (≤ %.0f ms, ≤ %.0f MB)", P99_TARGET_MS, RSS_TARGET_MB);
    }

    /**
     * Injected late events vs distinct ids found in the late topic: "10,000 / 10,000 exact" when
     * every run found exactly the injected ids, else "MISMATCH in k of n runs".
     */
    static String lateCheck(List<Results.Drain> runs) {
        long mismatched = runs.stream().filter(r -> !r.lateExact()).count();
        return summary(runs, r -> (double) r.lateInjected()).format("%,.0f") + " / "
                + summary(runs, r -> (double) r.lateIdsFound()).format("%,.0f")
                + (mismatched == 0 ? " exact" : " MISMATCH in " + mismatched + " of " + runs.size() + " runs");
    }

    static <T> Summary summary(List<T> runs, ToDoubleFunction<T> figure) {
        return Summary.of(runs.stream().map(figure::applyAsDouble).toList());
    }

    /** The drain table (Markdown; the console prints it too). */
    static String drainTable(List<Scenario> scenarios, int events) {
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "Drain of a %,d-event backlog: median (min–max) over runs%n%n", events));
        t.append("| service | guarantee | runs | events/s | plain consumer events/s | ratio | drain s "
                + "| CPU s per M events | peak RSS MB | records written per event | late records "
                + "| late events injected / ids in .late | JVM start → first record s | target |\n");
        t.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Scenario s : scenarios) {
            if (!s.isDrain() || s.drains.isEmpty()) {
                continue;
            }
            List<Results.Drain> d = s.drains;
            t.append("| ").append(s.pipeline).append(" | ").append(s.guarantee).append(" | ").append(d.size())
                    .append(" | ").append(summary(d, Results.Drain::eventsPerSecond).format("%,.0f"))
                    .append(" | ").append(summary(d, Results.Drain::plainPerSecond).format("%,.0f"))
                    .append(" | ").append(summary(d, Results.Drain::ratio).format("%.3f"))
                    .append(" | ").append(summary(d, Results.Drain::drainSeconds).format("%.1f"))
                    .append(" | ").append(summary(d, Results.Drain::cpuSecondsPerMillion).format("%.1f"))
                    .append(" | ").append(summary(d, Results.Drain::peakRssMb).format("%.0f"))
                    .append(" | ").append(summary(d, Results.Drain::writesPerEvent).format("%.1f"))
                    .append(" | ").append(summary(d, r -> (double) r.lateRecords()).format("%,.0f"))
                    .append(" | ").append(lateCheck(d))
                    .append(" | ").append(summary(d, Results.Drain::startToRunningSec).format("%.1f"))
                    .append(" | ").append(drainTarget(s)).append(" |\n");
        }
        return t.toString();
    }

    static String latencyTable(List<Scenario> scenarios, BenchOptions options) {
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "End-to-end latency at %,d events/s (%s warm-up, %s measured), "
                        + "input send → output polled by a read_committed consumer, ms: median (min–max) over runs%n%n",
                options.rate(), BenchOptions.format(options.warmup()), BenchOptions.format(options.duration())));
        t.append("| service | guarantee | runs | p50 | p95 | p99 | max | measured inputs | missing "
                + "| achieved events/s | peak RSS MB | service CPU cores | target |\n");
        t.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Scenario s : scenarios) {
            if (s.isDrain() || s.latencies.isEmpty()) {
                continue;
            }
            List<Results.Latency> l = s.latencies;
            t.append("| ").append(s.pipeline).append(" | ").append(s.guarantee).append(" | ").append(l.size())
                    .append(" | ").append(summary(l, Results.Latency::p50Ms).format("%.1f"))
                    .append(" | ").append(summary(l, Results.Latency::p95Ms).format("%.1f"))
                    .append(" | ").append(summary(l, Results.Latency::p99Ms).format("%.1f"))
                    .append(" | ").append(summary(l, Results.Latency::maxMs).format("%.1f"))
                    .append(" | ").append(summary(l, r -> r.measured()).format("%,.0f"))
                    .append(" | ").append(summary(l, r -> r.missing()).format("%,.0f"))
                    .append(" | ").append(summary(l, Results.Latency::achievedRate).format("%,.0f"))
                    .append(" | ").append(summary(l, Results.Latency::peakRssMb).format("%.0f"))
                    .append(" | ").append(summary(l, Results.Latency::cpuCores).format("%.2f"))
                    .append(" | ").append(latencyTarget(s)).append(" |\n");
        }
        return t.toString();
    }

    static String section(String id, String date, Machine machine, BenchOptions options, List<Scenario> scenarios) {
        StringBuilder md = new StringBuilder();
        md.append("<!-- bench:begin ").append(id).append(" -->\n");
        md.append("### ").append(id).append(" (").append(date).append(")\n\n");
        md.append("Command: `").append(options.commandLine()).append("`\n\n");
        md.append("Machine: ").append(machine.describe())
                .append(". Broker, generator and service share it; each service runs in its own JVM")
                .append(options.jvmOptions().isEmpty() ? " with default JVM options" :
                        " with `" + String.join(" ", options.jvmOptions()) + "`")
                .append(options.bootstrapServers() == null ? ", each run on a fresh in-process KRaft broker.\n\n"
                        : ", broker " + options.bootstrapServers() + ".\n\n");
        md.append("1-minute load average at the start of each run: ");
        md.append(scenarios.stream().filter(Scenario::hasResults).map(s -> s.pipeline + " " + s.mode + " "
                + s.guarantee + ": " + s.loads().stream().map(l -> String.format(Locale.ROOT, "%.2f", l))
                .collect(Collectors.joining(", "))).collect(Collectors.joining("; "))).append(".\n\n");
        if (scenarios.stream().anyMatch(s -> s.isDrain() && !s.drains.isEmpty())) {
            md.append(drainTable(scenarios, options.events())).append('\n');
        }
        if (scenarios.stream().anyMatch(s -> !s.isDrain() && !s.latencies.isEmpty())) {
            md.append(latencyTable(scenarios, options)).append('\n');
        }
        for (Scenario s : scenarios) {
            if (!s.failures.isEmpty()) {
                md.append("Failed runs of ").append(s.pipeline).append(' ').append(s.mode).append(' ')
                        .append(s.guarantee).append(":\n");
                s.failures.forEach(f -> md.append("- ").append(f.lines().findFirst().orElse(f)).append('\n'));
                md.append('\n');
            }
            if (s.profile != null) {
                md.append("JFR profile of ").append(s.pipeline).append(' ').append(s.mode).append(' ')
                        .append(s.guarantee).append(" (service process, measured interval only):\n\n```\n")
                        .append(s.profile).append("```\n\n");
            }
        }
        md.append("<!-- bench:end ").append(id).append(" -->\n");
        return md.toString();
    }

    static String peerTarget(PeerScenario s) {
        if (s.paired().isEmpty()) {
            return "–";
        }
        double speedup = summary(s.paired(), PeerScenario.Run::speedup).median();
        return String.format(Locale.ROOT, "%s (≥ %.1fx)", speedup >= PEER_SPEEDUP_TARGET ? "met" : "MISSED",
                PEER_SPEEDUP_TARGET);
    }

    private static <T> String cell(List<T> runs, ToDoubleFunction<T> figure, String pattern) {
        return runs.isEmpty() ? "failed" : summary(runs, figure).format(pattern);
    }

    /**
     * Streamworks and the peer side by side (Markdown; the console prints it too): both timed from
     * process launch to drained, so start-up counts on both sides.
     */
    static String peerTable(List<PeerScenario> scenarios, String guarantee) {
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "Drain of the same backlog, Streamworks (%s) and Spark, each timed from "
                + "process launch to drained: median (min–max) over runs%n%n", guarantee));
        t.append("| pipeline | events | runs | Streamworks s | Spark s | Streamworks events/s | Spark events/s "
                + "| speed-up (Spark s ÷ Streamworks s) | Streamworks launch → first record s "
                + "| Spark launch → queries started s | Streamworks CPU s | Spark CPU s | Streamworks peak RSS MB "
                + "| Spark peak RSS MB | Streamworks late records | target |\n");
        t.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (PeerScenario s : scenarios) {
            if (s.runs.isEmpty()) {
                continue;
            }
            List<Results.Drain> ours = s.ours();
            List<Results.PeerDrain> peer = s.peers();
            double n = s.events;
            t.append("| ").append(s.pipeline)
                    .append(" | ").append(String.format(Locale.ROOT, "%,d", s.events))
                    .append(" | ").append(s.runs.size())
                    .append(" | ").append(cell(ours, Results.Drain::launchToDrainedSec, "%.1f"))
                    .append(" | ").append(cell(peer, Results.PeerDrain::launchToDrainedSec, "%.1f"))
                    .append(" | ").append(cell(ours, d -> n / d.launchToDrainedSec(), "%,.0f"))
                    .append(" | ").append(cell(peer, d -> n / d.launchToDrainedSec(), "%,.0f"))
                    .append(" | ").append(s.paired().isEmpty() ? "–"
                            : summary(s.paired(), PeerScenario.Run::speedup).format("%.2fx"))
                    .append(" | ").append(cell(ours, Results.Drain::startToRunningSec, "%.1f"))
                    .append(" | ").append(cell(peer, Results.PeerDrain::launchToStartedSec, "%.1f"))
                    .append(" | ").append(cell(ours, Results.Drain::cpuSecondsFromLaunch, "%.0f"))
                    .append(" | ").append(cell(peer, Results.PeerDrain::cpuSeconds, "%.0f"))
                    .append(" | ").append(cell(ours, Results.Drain::peakRssMb, "%.0f"))
                    .append(" | ").append(cell(peer, Results.PeerDrain::peakRssMb, "%.0f"))
                    .append(" | ").append(cell(ours, d -> (double) d.lateRecords(), "%,.0f"))
                    .append(" | ").append(peerTarget(s)).append(" |\n");
        }
        return t.toString();
    }

    /** The BENCHMARKS.md section of a side-by-side run; {@code partial}: "k of n" runs when written half-way, else null. */
    static String peerSection(String id, String date, Machine machine, BenchOptions options, PeerOptions peer,
                              String sparkVersion, List<PeerScenario> scenarios, String partial) {
        StringBuilder md = new StringBuilder();
        md.append("<!-- bench:begin ").append(id).append(" -->\n");
        md.append("### ").append(id).append(" (").append(date).append(")\n\n");
        if (partial != null) {
            md.append("**Incomplete:** written after run ").append(partial)
                    .append("; the bench stopped before the rest.\n\n");
        }
        md.append("Command: `").append(peer.commandLine(options)).append("`\n\n");
        md.append("Machine: ").append(machine.describe()).append(". Broker, generator, service and Spark share it. ")
                .append("Each run loads one backlog into ")
                .append(options.bootstrapServers() == null ? "a fresh in-process KRaft broker"
                        : "broker " + options.bootstrapServers())
                .append("; the service drains it in its own JVM")
                .append(options.jvmOptions().isEmpty() ? " with default JVM options" :
                        " with `" + String.join(" ", options.jvmOptions()) + "`")
                .append(" and is stopped; then Spark drains the same topic in its own JVM (")
                .append(peer.describe(sparkVersion)).append(", the JVM options Spark needs on Java 17")
                .append(options.jvmOptions().isEmpty() ? "" : " plus the same ones")
                .append(").\n\n");
        md.append("1-minute load average at the start of each run (service; Spark): ");
        md.append(scenarios.stream().filter(s -> !s.runs.isEmpty()).map(s -> s.pipeline + " "
                + String.format(Locale.ROOT, "%,d", s.events) + ": " + s.runs.stream().map(r -> String.format(
                Locale.ROOT, "%.2f; %s", r.loadAtStart(), r.peer() == null ? "–"
                        : String.format(Locale.ROOT, "%.2f", r.peer().loadAtStart())))
                .collect(Collectors.joining(", "))).collect(Collectors.joining("; "))).append(".\n\n");
        md.append(peerTable(scenarios, options.guarantees().get(0))).append('\n');
        for (PeerScenario s : scenarios) {
            for (int i = 0; i < s.runs.size(); i++) {
                PeerScenario.Run r = s.runs.get(i);
                for (String failure : new String[] {r.oursFailure() == null ? null : "Streamworks: " + r.oursFailure(),
                        r.peerFailure() == null ? null : "Spark: " + r.peerFailure()}) {
                    if (failure != null) {
                        md.append("- ").append(s.pipeline).append(String.format(Locale.ROOT, " %,d", s.events))
                                .append(", run ").append(i + 1).append(" failed: ")
                                .append(failure.lines().findFirst().orElse(failure)).append('\n');
                    }
                }
            }
        }
        md.append("<!-- bench:end ").append(id).append(" -->\n");
        return md.toString();
    }

    /** Replaces the section with the same id in {@code existing}, or appends it. */
    static String merge(String existing, String id, String section) {
        String begin = "<!-- bench:begin " + id + " -->";
        String end = "<!-- bench:end " + id + " -->\n";
        int from = existing.indexOf(begin);
        int to = existing.indexOf(end);
        if (from >= 0 && to > from) {
            return existing.substring(0, from) + section + existing.substring(to + end.length());
        }
        String base = existing.isEmpty() ? "# Benchmarks\n\n" : existing;
        return base + (base.endsWith("\n\n") ? "" : base.endsWith("\n") ? "\n" : "\n\n") + section;
    }

    static void write(Path file, String id, String section) throws IOException {
        String existing = Files.exists(file) ? Files.readString(file) : "";
        Files.writeString(file, merge(existing, id, section));
    }
}
