package dev.streamworks.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * {@code ./bench.sh --peer=spark}: for each backlog size, pipeline and run, one broker and one
 * backlog; the service drains it (as {@link DrainRun} measures it), is stopped, then Spark drains
 * the same topic ({@link SparkRun}). Both are timed from process launch to drained. One table
 * side by side, and a BENCHMARKS.md section.
 */
final class PeerBench {

    private PeerBench() {
    }

    /** The pipelines bench-spark has a query for (SparkPeer.outputs); fraud has none. */
    static final List<String> SPARK_PIPELINES = List.of("iot", "clicks-per-product", "clickstream");

    static int run(BenchOptions options, PeerOptions peer, PrintStream console) throws Exception {
        Path logDir = options.repository().resolve("bench/target/bench-logs");
        Files.createDirectories(logDir);
        String guarantee = options.guarantees().get(0);
        List<String> pipelines = new ArrayList<>();
        for (String name : options.pipelines()) {
            if (!SPARK_PIPELINES.contains(name)) {
                console.println("skipping " + name + ": bench-spark has no " + name + " query (--peer=spark runs "
                        + String.join(", ", SPARK_PIPELINES) + ")");
                continue;
            }
            String problem = Bench.ensureJar(options.repository(), Pipeline.ALL.get(name), console);
            if (problem == null) {
                pipelines.add(name);
            } else {
                console.println("skipping " + name + ": " + problem);
            }
        }
        if (pipelines.isEmpty()) {
            console.println("bench: no pipeline to compare with Spark");
            return 2;
        }
        String problem = SparkRun.ensureBuilt(options.repository(), console);
        if (problem != null) {
            console.println("bench: " + problem);
            return 1;
        }
        String sparkVersion = SparkRun.sparkVersion(SparkRun.classPath(options.repository()));
        Bench.waitForIdle(options, console);

        List<PeerScenario> scenarios = new ArrayList<>();
        String id = "spark vs " + String.join("+", pipelines) + " drain " + guarantee + " "
                + peer.events().stream().map(String::valueOf).collect(Collectors.joining("+"));
        int total = peer.events().size() * pipelines.size() * options.runs();
        int done = 0;
        for (int events : peer.events()) {
            BenchOptions sized = options.withEvents(events);
            for (String name : pipelines) {
                Pipeline pipeline = Pipeline.ALL.get(name);
                PeerScenario scenario = new PeerScenario(name, events);
                scenarios.add(scenario);
                for (int run = 1; run <= options.runs(); run++) {
                    double load = ProcStats.loadAverage();
                    console.printf(Locale.ROOT, "%n== %s, %,d events, Streamworks (%s) then Spark %s, run %d of %d "
                            + "(load %.2f)%n", name, events, guarantee, sparkVersion, run, options.runs(), load);
                    scenario.runs.add(once(sized, peer, pipeline, guarantee, run, logDir, load, console));
                    // written after every run, so a bench stopped half-way keeps what it measured
                    if (++done < total) {
                        report(options, peer, sparkVersion, scenarios, id, done + " of " + total);
                    }
                }
            }
        }

        console.println();
        console.println(Bench.machine().describe());
        console.println(Report.peerTable(scenarios, guarantee));
        if (report(options, peer, sparkVersion, scenarios, id, null)) {
            console.println("written to " + options.report());
        }
        boolean failed = scenarios.stream().flatMap(s -> s.runs.stream())
                .anyMatch(r -> r.oursFailure() != null || r.peerFailure() != null);
        return failed ? 1 : 0;
    }

    /** Writes (or rewrites) the run's BENCHMARKS.md section; {@code partial}: how many runs are in it, null when all. */
    private static boolean report(BenchOptions options, PeerOptions peer, String sparkVersion,
                                  List<PeerScenario> scenarios, String id, String partial) throws Exception {
        if (options.report() == null || scenarios.stream().allMatch(s -> s.paired().isEmpty())) {
            return false;
        }
        String date = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        Report.write(options.report(), id, Report.peerSection(id, date, Bench.machine(), options, peer, sparkVersion,
                scenarios, partial));
        return true;
    }

    /** One run: one broker, one backlog, the service then Spark; a side that fails does not stop the other. */
    private static PeerScenario.Run once(BenchOptions options, PeerOptions peer, Pipeline pipeline, String guarantee,
                                         int run, Path logDir, double load, PrintStream console) throws Exception {
        try (Broker broker = Broker.start(options.bootstrapServers(), pipeline)) {
            DrainRun.Backlog backlog = DrainRun.preload(options, pipeline, run, broker, console);
            Results.Drain ours = null;
            String oursFailure = null;
            try {
                ours = DrainRun.service(options, pipeline, guarantee, run, logDir, null, console, broker, backlog, load);
                console.printf(Locale.ROOT, "Streamworks: launch → drained %.1f s (%,.0f events/s), first record after "
                                + "%.1f s, %.1f CPU s, peak RSS %.0f MB%n", ours.launchToDrainedSec(),
                        options.events() / ours.launchToDrainedSec(), ours.startToRunningSec(),
                        ours.cpuSecondsFromLaunch(), ours.peakRssMb());
            } catch (Exception e) {
                oursFailure = String.valueOf(e);
                console.println("Streamworks failed: " + e);
            }
            Results.PeerDrain spark = null;
            String sparkFailure = null;
            try {
                spark = SparkRun.run(options, peer, pipeline, broker.bootstrapServers(), run, logDir, console);
            } catch (Exception e) {
                sparkFailure = String.valueOf(e);
                console.println("Spark failed: " + e);
            }
            return new PeerScenario.Run(ours, oursFailure, spark, sparkFailure, load);
        }
    }
}
