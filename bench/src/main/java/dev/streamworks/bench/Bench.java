package dev.streamworks.bench;

import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The bench's command-line entry ({@code ./bench.sh --help}): drains a pre-loaded backlog and
 * measures end-to-end latency at a fixed rate, for each service, guarantee and run; prints the
 * tables and updates BENCHMARKS.md. See BENCHMARKS.md for the method.
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) {
        // before the first logger: the devstack's logback.xml is on the class path too
        System.setProperty("logback.configurationFile", "logback-bench.xml");
        PrintStream console = System.out;
        Path repository = Path.of(System.getProperty("bench.repository", ".")).toAbsolutePath().normalize();
        BenchOptions options;
        PeerOptions peer;
        CommandLine commandLine = BenchOptions.cli();
        try {
            PeerOptions.Split split = PeerOptions.split(args);
            peer = split.peer();
            commandLine.parseArgs(split.rest());
            if (commandLine.isUsageHelpRequested()) {
                commandLine.usage(console);
                console.print(PeerOptions.USAGE);
                return;
            }
            if (commandLine.isVersionHelpRequested()) {
                commandLine.printVersionHelp(console);
                return;
            }
            options = BenchOptions.of(commandLine.getCommand(), repository);
        } catch (CommandLine.ParameterException | IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            commandLine.usage(System.err);
            System.err.print(PeerOptions.USAGE);
            System.exit(2);
            return;
        }
        // an interrupted bench (Ctrl-C, kill) must not leave a service running
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants()
                .forEach(ProcessHandle::destroy), "bench-stop-services"));
        try {
            System.exit(peer == null ? run(options, console) : PeerBench.run(options, peer, console));
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    static int run(BenchOptions options, PrintStream console) throws Exception {
        Path logDir = options.repository().resolve("bench/target/bench-logs");
        Files.createDirectories(logDir);
        List<String> pipelines = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (String name : options.pipelines()) {
            String problem = ensureJar(options.repository(), Pipeline.ALL.get(name), console);
            if (problem == null) {
                pipelines.add(name);
            } else {
                skipped.add(name + ": " + problem);
                console.println("skipping " + name + ": " + problem);
            }
        }
        waitForIdle(options, console);

        List<Scenario> scenarios = new ArrayList<>();
        for (String name : pipelines) {
            Pipeline pipeline = Pipeline.ALL.get(name);
            for (String mode : options.modes()) {
                for (String guarantee : options.guarantees()) {
                    Scenario scenario = new Scenario(name, mode, guarantee);
                    scenarios.add(scenario);
                    for (int run = 1; run <= options.runs(); run++) {
                        console.printf("%n== %s %s %s, run %d of %d (load %.2f)%n", name, mode, guarantee, run,
                                options.runs(), ProcStats.loadAverage());
                        Path profile = options.profile() ? logDir.resolve(name + "-" + mode + "-" + guarantee + "-"
                                + run + ".jfr") : null;
                        try {
                            java.time.Instant from;
                            java.time.Instant until;
                            if (scenario.isDrain()) {
                                Results.Drain d = DrainRun.run(options, pipeline, guarantee, run, logDir, profile,
                                        console);
                                scenario.drains.add(d);
                                from = d.from();
                                until = d.until();
                                console.printf(Locale.ROOT, "drain: %,.0f events/s (plain consumer %,.0f, ratio %.2f), "
                                                + "%.1f CPU s per M events, peak RSS %.0f MB, JVM start→first record %.1f s%n",
                                        d.eventsPerSecond(), d.plainPerSecond(), d.ratio(), d.cpuSecondsPerMillion(),
                                        d.peakRssMb(), d.startToRunningSec());
                            } else {
                                Results.Latency l = LatencyRun.run(options, pipeline, guarantee, run, logDir, profile,
                                        console);
                                scenario.latencies.add(l);
                                from = l.from();
                                until = l.until();
                                console.printf(Locale.ROOT, "latency: p50 %.1f p95 %.1f p99 %.1f max %.1f ms, "
                                                + "%,d measured, %,d missing, %,.0f events/s, peak RSS %.0f MB, "
                                                + "%.2f CPU cores%n", l.p50Ms(), l.p95Ms(), l.p99Ms(), l.maxMs(),
                                        l.measured(), l.missing(), l.achievedRate(), l.peakRssMb(), l.cpuCores());
                            }
                            if (profile != null && scenario.profile == null && Files.exists(profile)) {
                                scenario.profile = Profiles.summarise(profile, 20, from, until).render();
                                console.println(scenario.profile);
                            }
                        } catch (Exception e) {
                            scenario.failures.add("run " + run + ": " + e);
                            console.println("run failed: " + e);
                        }
                    }
                }
            }
        }

        Report.Machine machine = machine();
        console.println();
        console.println(machine.describe());
        if (scenarios.stream().anyMatch(s -> s.isDrain() && !s.drains.isEmpty())) {
            console.println(Report.drainTable(scenarios, options.events()));
        }
        if (scenarios.stream().anyMatch(s -> !s.isDrain() && !s.latencies.isEmpty())) {
            console.println(Report.latencyTable(scenarios, options));
        }
        skipped.forEach(s -> console.println("skipped " + s));
        if (options.report() != null && scenarios.stream().anyMatch(Scenario::hasResults)) {
            String id = String.join("+", pipelines) + " " + String.join("+", options.modes()) + " "
                    + String.join("+", options.guarantees());
            String date = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
            String section = Report.section(id, date, machine, options, scenarios);
            Report.write(options.report(), id, section);
            console.println("written to " + options.report());
        }
        boolean failed = scenarios.stream().anyMatch(s -> !s.failures.isEmpty());
        return failed ? 1 : 0;
    }

    /** The service's JVM options: the user's, plus a JFR recording when profiling. */
    static List<String> jvmOptions(BenchOptions options, Path profile) {
        List<String> jvm = new ArrayList<>(options.jvmOptions());
        if (profile != null) {
            // deep stacks: Kafka Streams' processor chains are dozens of frames deep
            jvm.add("-XX:FlightRecorderOptions=stackdepth=128");
            jvm.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + profile);
        }
        return jvm;
    }

    /**
     * Builds the service's jar if it is missing and prepares it to be launched as its image launches
     * it ({@link ClassDataArchive}: unpacked, with the class-data archive of a training run), before
     * any measurement; returns why it cannot be used, or null.
     */
    static String ensureJar(Path repository, Pipeline pipeline, PrintStream console) throws Exception {
        Path jar = pipeline.jar(repository);
        if (!Files.exists(jar)) {
            console.println("building " + pipeline.module() + " ...");
            Process build = new ProcessBuilder(repository.resolve("mvnw").toString(), "-B", "-q", "-pl",
                    pipeline.module(), "-am", "package", "-DskipTests").directory(repository.toFile()).inheritIO().start();
            int exit = build.waitFor();
            if (exit != 0 || !Files.exists(jar)) {
                return "the build of " + pipeline.module() + " failed (exit " + exit + ")";
            }
        }
        try {
            ClassDataArchive.prepare(jar);
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
        return null;
    }

    /** Waits (polling every 30 s, at most --wait-idle) for the 1-minute load average to fall below --idle-load. */
    static void waitForIdle(BenchOptions options, PrintStream console) throws InterruptedException {
        long deadline = System.nanoTime() + options.waitIdle().toNanos();
        double load = ProcStats.loadAverage();
        while (load >= options.idleLoad() && System.nanoTime() < deadline) {
            console.printf(Locale.ROOT, "load average %.2f ≥ %.2f, waiting for an idle machine ...%n", load,
                    options.idleLoad());
            Thread.sleep(Math.min(Duration.ofSeconds(30).toMillis(),
                    Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            load = ProcStats.loadAverage();
        }
        console.printf(Locale.ROOT, "load average %.2f, starting%n", load);
    }

    static Report.Machine machine() throws IOException {
        String cpu = "unknown CPU";
        long memoryMb = Runtime.getRuntime().maxMemory() / 1048576;
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.exists(cpuinfo)) {
            cpu = Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
        }
        Path meminfo = Path.of("/proc/meminfo");
        if (Files.exists(meminfo)) {
            memoryMb = Files.readAllLines(meminfo).stream().filter(l -> l.startsWith("MemTotal:"))
                    .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024).findFirst().orElse(memoryMb);
        }
        return new Report.Machine(Runtime.getRuntime().availableProcessors(), cpu, memoryMb,
                System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.vendor") + ")",
                kafkaVersion(), org.springframework.boot.SpringBootVersion.getVersion());
    }

    /** The version of the Kafka clients on the class path, from the file their jar carries (Kafka 4.4 made its reader internal). */
    private static String kafkaVersion() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Admin.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        }
        return properties.getProperty("version", "unknown");
    }
}
