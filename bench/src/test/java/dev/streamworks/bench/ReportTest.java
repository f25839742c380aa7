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
        return new Results.Drain(rate, plain, 20.0, 400, 12.0, 0, 9.5, 1_000_000 / rate, load, T, T, 30.0, 0, 0, true);
    }

    private static Results.Latency latency(double p99, double rss) {
        return new Results.Latency(40, 80, p99, p99 + 50, 600_000, 0, 10_000, rss, rss - 10, 0.8, 9.0, 0.4, T, T);
    }

    private static BenchOptions options(String... args) {
        return BenchOptions.parse(args, Path.of("/repo"));
    }

    @Test
    void theDrainTableShowsInjectedLateEventsAgainstTheIdsInTheLateTopic() {
        Scenario exact = new Scenario("clickstream", "drain", "exactly_once_v2");
        exact.drains.add(new Results.Drain(5_000, 100_000, 200, 900, 30, 60_000, 9.5, 200, 0.3, T, T, 250,
                10_000, 10_000, true));
        Scenario off = new Scenario("iot", "drain", "exactly_once_v2");
        off.drains.addAll(List.of(new Results.Drain(50_000, 100_000, 20, 400, 12, 20_000, 9.5, 20, 0.3, T, T, 30,
                10_000, 10_000, true), new Results.Drain(50_000, 100_000, 20, 400, 12, 19_998, 9.5, 20, 0.3, T, T, 30,
                10_000, 9_999, false)));

        String table = Report.drainTable(List.of(exact, off), 1_000_000);

        assertThat(table).contains("| late records | late events injected / ids in .late | JVM start");
        assertThat(table).contains("| 60,000 | 10,000 / 10,000 exact | 9.5 |");
        assertThat(table).contains("| 10,000 (10,000–10,000) / 10,000 (9,999–10,000) MISMATCH in 1 of 2 runs |");
        assertThat(drain(60_000, 100_000, 0.3)).extracting(Results.Drain::lateExact).isEqualTo(true);
        assertThat(Report.drainTable(List.of(scenario(drain(60_000, 100_000, 0.3))), 1_000_000))
                .contains("| 0 | 0 / 0 exact |");
    }

    private static Scenario scenario(Results.Drain drain) {
        Scenario s = new Scenario("iot", "drain", "exactly_once_v2");
        s.drains.add(drain);
        return s;
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

    private static Results.PeerDrain spark(double seconds, double load) {
        return new Results.PeerDrain(seconds, 8.0, 90.0, 1500, java.util.Map.of("clicks-per-product-5m", 1_000_000L), load);
    }

    private static Results.Drain ours(double launchToDrained) {
        // 10 s of start-up, the rest draining
        return new Results.Drain(1_000_000 / (launchToDrained - 10), 3_000_000, 25.0, 900, 5.0, 3, 10.0,
                launchToDrained - 10, 0.5, T, T, 40.0, 0, 0, true);
    }

    @Test
    void thePeerTableSetsBothSidesFromLaunchSideBySideWithTheirRatio() {
        PeerScenario clicks = new PeerScenario("clicks-per-product", 1_000_000);
        clicks.runs.add(new PeerScenario.Run(ours(20), null, spark(40, 0.7), null, 0.5));
        clicks.runs.add(new PeerScenario.Run(ours(25), null, spark(25, 0.8), null, 0.6));
        clicks.runs.add(new PeerScenario.Run(ours(50), null, spark(30, 0.9), null, 0.7));

        String table = Report.peerTable(List.of(clicks), "exactly_once_v2");

        assertThat(table).contains("Streamworks (exactly_once_v2) and Spark, each timed from process launch to drained")
                .contains("| clicks-per-product | 1,000,000 | 3 | 25.0 (20.0–50.0) | 30.0 (25.0–40.0) "
                        + "| 40,000 (20,000–50,000) | 33,333 (25,000–40,000) | 1.00x (0.60x–2.00x) | 10.0 (10.0–10.0) "
                        + "| 8.0 (8.0–8.0) | 40 (40–40) | 90 (90–90) | 900 (900–900) | 1500 (1500–1500) | 3 (3–3) "
                        + "| MISSED (≥ 1.5x) |");
        assertThat(Report.peerTarget(clicks)).isEqualTo("MISSED (≥ 1.5x)");
        PeerScenario fast = new PeerScenario("iot", 1_000_000);
        fast.runs.add(new PeerScenario.Run(ours(20), null, spark(30, 0.7), null, 0.5));
        assertThat(Report.peerTarget(fast)).isEqualTo("met (≥ 1.5x)");
    }

    @Test
    void aSideThatFailedIsShownAsSuchAndHasNoRatio() {
        PeerScenario full = new PeerScenario("clickstream", 1_000_000);
        full.runs.add(new PeerScenario.Run(null, "java.lang.IllegalStateException: the drain did not complete in time\nlog",
                spark(124, 1.1), null, 1.0));
        PeerOptions.Split split = PeerOptions.split(new String[] {"--peer=spark", "--pipelines=clickstream", "--runs=1"});
        BenchOptions o = BenchOptions.parse(split.rest(), Path.of("/repo"));

        String md = Report.peerSection("spark vs clickstream drain exactly_once_v2 1000000", "2026-12-07 17:00 UTC",
                MACHINE, o, split.peer(), "4.1.1", List.of(full), null);

        assertThat(md).startsWith("<!-- bench:begin spark vs clickstream drain exactly_once_v2 1000000 -->\n")
                .endsWith("<!-- bench:end spark vs clickstream drain exactly_once_v2 1000000 -->\n")
                .contains("Command: `./bench.sh --pipelines=clickstream --modes=drain --guarantees=exactly_once_v2 "
                        + "--events=1000000 --backlog-span=1h --runs=1 --peer=spark`")
                .contains("Spark 4.1.1, `local[2]`, `Trigger.AvailableNow`, `spark.sql.shuffle.partitions=6`")
                .contains("clickstream 1,000,000: 1.00; 1.10")
                .contains("| clickstream | 1,000,000 | 1 | failed | 124.0 | failed | 8,065 | – |")
                .contains("- clickstream 1,000,000, run 1 failed: Streamworks: java.lang.IllegalStateException: "
                        + "the drain did not complete in time\n")
                .doesNotContain("\nlog");
        assertThat(Report.peerTarget(full)).isEqualTo("–");
        assertThat(md).doesNotContain("Incomplete");
        assertThat(Report.peerSection("x", "2026-12-07 17:00 UTC", MACHINE, o, split.peer(), "4.1.1", List.of(full),
                "1 of 3")).contains("### x (2026-12-07 17:00 UTC)\n\n**Incomplete:** written after run 1 of 3; "
                + "the bench stopped before the rest.\n\nCommand:");
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
