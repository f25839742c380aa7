package dev.streamworks.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReportTest {

    private static final Report.Machine MACHINE = new Report.Machine(2, "AMD EPYC", 24_105, "17.0.15", "4.3.1", "4.1.2");
    private static final Instant T = Instant.parse("2025-12-09T13:00:00Z");

    private static Results.Drain drain(double rate, double plain, double load) {
        return new Results.Drain(rate, plain, 20.0, 400, 12.0, 0, 9.5, 1_000_000 / rate, load, T, T);
    }

    private static Results.Latency latency(double p99, double rss) {
        return new Results.Latency(40, 80, p99, p99 + 50, 600_000, 0, 10_000, rss, rss - 10, 0.8, 9.0, 0.4, T, T);
    }

    private static BenchOptions options(String... args) {
        return BenchOptions.parse(args, Path.of("/repo"));
    }

    @Test
    void theDrainTableGivesMedianAndRangeAndJudgesTheExactlyOnceRatio() {
        Scenario eos = new Scenario("iot", "drain", "exactly_once_v2");
        eos.drains.addAll(List.of(drain(60_000, 100_000, 0.3), drain(50_000, 100_000, 0.4), drain(70_000, 100_000, 0.5)));
        Scenario alos = new Scenario("iot", "drain", "at_least_once");
        alos.drains.add(drain(30_000, 100_000, 0.2));

        String table = Report.drainTable(List.of(eos, alos), 1_000_000);

        assertThat(table).contains("| iot | exactly_once_v2 | 3 | 60,000 (50,000–70,000) | 100,000 (100,000–100,000) "
                + "| 0.600 (0.500–0.700) |");
        assertThat(table).contains("| met (≥ 0.50) |");
        // no target for at-least-once
        assertThat(table).contains("| iot | at_least_once | 1 | 30,000 | 100,000 | 0.300 |").endsWith("| – |\n");
    }

    @Test
    void aDrainBelowItsPipelinesRatioIsMissed() {
        Scenario clicks = new Scenario("clickstream", "drain", "exactly_once_v2");
        clicks.drains.add(drain(30_000, 100_000, 0.1));

        assertThat(Report.drainTarget(clicks)).isEqualTo("MISSED (≥ 0.35)");
    }

    @Test
    void latencyTargetsAreP99OfTheMedianRunAndPeakMemoryOfTheWorst() {
        Scenario met = new Scenario("iot", "latency", "exactly_once_v2");
        met.latencies.addAll(List.of(latency(120, 500), latency(140, 550), latency(200, 590)));
        Scenario missed = new Scenario("iot", "latency", "exactly_once_v2");
        missed.latencies.addAll(List.of(latency(160, 500), latency(170, 700)));

        assertThat(Report.latencyTarget(met)).startsWith("p99 met, RSS met");
        assertThat(Report.latencyTarget(missed)).startsWith("p99 MISSED, RSS MISSED");
    }

    @Test
    void theSectionRecordsMachineCommandLoadsAndFailures() {
        Scenario eos = new Scenario("iot", "drain", "exactly_once_v2");
        eos.drains.add(drain(60_000, 100_000, 0.37));
        eos.failures.add("run 2: java.lang.IllegalStateException: drain did not complete\nstack");
        Scenario lat = new Scenario("iot", "latency", "exactly_once_v2");
        lat.latencies.add(latency(120, 500));
        lat.profile = "1,000 execution samples\n";
        BenchOptions o = options("--pipelines=iot", "--guarantees=exactly_once_v2", "--runs=2");

        String md = Report.section("iot drain+latency exactly_once_v2", "2025-12-09 13:00 UTC", MACHINE, o,
                List.of(eos, lat));

        assertThat(md).startsWith("<!-- bench:begin iot drain+latency exactly_once_v2 -->\n")
                .endsWith("<!-- bench:end iot drain+latency exactly_once_v2 -->\n")
                .contains("Command: `./bench.sh --pipelines=iot --modes=drain,latency --guarantees=exactly_once_v2")
                .contains("2 cores (AMD EPYC), 24,105 MB memory, JDK 17.0.15, Kafka 4.3.1")
                .contains("iot drain exactly_once_v2: 0.37")
                .contains("Drain of a 1,000,000-event backlog")
                .contains("End-to-end latency at 10,000 events/s")
                .contains("- run 2: java.lang.IllegalStateException: drain did not complete\n")
                .doesNotContain("stack")
                .contains("```\n1,000 execution samples\n```");
    }

    @Test
    void mergeReplacesASectionWithTheSameIdAndKeepsEverythingElse() {
        String first = "<!-- bench:begin a -->\nold a\n<!-- bench:end a -->\n";
        String other = "<!-- bench:begin b -->\nb\n<!-- bench:end b -->\n";
        String existing = "# Benchmarks\n\nMethod notes.\n\n" + first + "\n" + other;

        String merged = Report.merge(existing, "a", "<!-- bench:begin a -->\nnew a\n<!-- bench:end a -->\n");

        assertThat(merged).isEqualTo("# Benchmarks\n\nMethod notes.\n\n<!-- bench:begin a -->\nnew a\n"
                + "<!-- bench:end a -->\n\n" + other);
    }

    @Test
    void mergeAppendsANewSectionAndStartsAnEmptyFile() {
        String section = "<!-- bench:begin c -->\nc\n<!-- bench:end c -->\n";

        assertThat(Report.merge("", "c", section)).isEqualTo("# Benchmarks\n\n" + section);
        assertThat(Report.merge("# Benchmarks\n\nnotes\n", "c", section)).isEqualTo("# Benchmarks\n\nnotes\n\n" + section);
    }
}
