package dev.streamworks.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The peer's drain: Spark Structured Streaming (module bench-spark, {@code SparkPeer}) in its own
 * JVM on the backlog the bench loaded, timed from process launch until every query has
 * terminated ({@code Trigger.AvailableNow}: everything present at the start is processed). The
 * peer says so on its standard output ({@code spark-peer drained ...}) and then waits for its
 * standard input to close, so its CPU time and peak resident set are read from {@code /proc}
 * while it still exists, as for the services.
 */
final class SparkRun {

    static final String MAIN = "dev.streamworks.benchspark.SparkPeer";
    static final String MODULE_OPTIONS_MAIN = "dev.streamworks.benchspark.ModuleOptions";

    private SparkRun() {
    }

    /** What the peer printed when it was done (or failed). */
    record Outcome(long atNanos, String line) {
    }

    static Path module(Path repository) {
        return repository.resolve("bench-spark");
    }

    static Path classpathFile(Path repository) {
        return module(repository).resolve("target/spark-classpath.txt");
    }

    /** Builds bench-spark (profile {@code spark}) if it is missing or older than its sources; returns why it cannot be used, or null. */
    static String ensureBuilt(Path repository, PrintStream console) throws Exception {
        Path classpath = classpathFile(repository);
        if (Files.exists(classpath) && !newerSources(module(repository), Files.getLastModifiedTime(classpath).toMillis())) {
            return null;
        }
        console.println("building bench-spark (Maven profile spark; the first build downloads Spark) ...");
        Process build = new ProcessBuilder(repository.resolve("mvnw").toString(), "-B", "-q", "-ntp", "-Pspark", "-pl",
                "bench-spark", "package", "-DskipTests").directory(repository.toFile()).inheritIO().start();
        int exit = build.waitFor();
        if (exit != 0 || !Files.exists(classpath)) {
            return "the build of bench-spark failed (exit " + exit + ")";
        }
        return null;
    }

    private static boolean newerSources(Path module, long than) throws IOException {
        try (var files = Files.walk(module)) {
            return files.filter(p -> !p.startsWith(module.resolve("target")))
                    .filter(p -> p.toString().endsWith(".java") || p.getFileName().toString().equals("pom.xml"))
                    .anyMatch(p -> p.toFile().lastModified() > than);
        }
    }

    /** {@code target/classes} plus the dependencies Maven wrote down. */
    static String classPath(Path repository) throws IOException {
        return module(repository).resolve("target/classes") + java.io.File.pathSeparator
                + Files.readString(classpathFile(repository)).trim();
    }

    /** The JVM options this Spark needs on Java 17, as spark-submit adds them (asked from Spark itself, not timed). */
    static List<String> moduleOptions(String classPath) throws Exception {
        Process process = new ProcessBuilder(java(), "-cp", classPath, MODULE_OPTIONS_MAIN).redirectErrorStream(true)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("could not ask Spark for its JVM options: " + out);
        }
        return out.lines().map(String::trim).filter(l -> l.startsWith("-")).toList();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static Results.PeerDrain run(BenchOptions options, PeerOptions peer, Pipeline pipeline, String bootstrapServers,
                                 int run, Path logDir, PrintStream console) throws Exception {
        String classPath = classPath(options.repository());
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(moduleOptions(classPath));
        command.addAll(options.jvmOptions());
        command.add("-cp");
        command.add(classPath);
        command.add(MAIN);
        Path checkpoints = Files.createTempDirectory("bench-spark-");
        command.add("--bootstrap-servers=" + bootstrapServers);
        command.add("--pipeline=" + pipeline.name());
        command.add("--checkpoints=" + checkpoints);
        command.add("--shuffle-partitions=" + peer.shufflePartitions());
        command.add("--sink=" + peer.sink());
        peer.sparkConf().forEach(c -> command.add("--conf=" + c));
        Path log = logDir.resolve(pipeline.name() + "-spark-" + options.events() + "-" + run + ".log");
        Files.writeString(log, String.join(" ", command.stream()
                        .map(part -> part.length() > 200 ? part.substring(0, 60) + "..." : part).toList()) + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);

        double load = ProcStats.loadAverage();
        long launched = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // Spark binds to the loopback interface only, as the broker does
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process process = builder.start();
        AtomicLong started = new AtomicLong(-1);
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        Thread reader = new Thread(() -> follow(process, log, started, outcome), "spark-peer-output");
        reader.setDaemon(true);
        reader.start();
        ProcStats proc = new ProcStats(process.pid(), ProcStats.clockTicks());
        Load.ProgressBar bar = new Load.ProgressBar(console, "Spark draining " + pipeline.name(), options.events());
        try {
            Outcome done;
            try {
                done = outcome.get(options.drainTimeoutOrDefault().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new IllegalStateException("Spark did not drain within " + BenchOptions.format(
                        options.drainTimeoutOrDefault()) + "; log: " + log);
            }
            if (!done.line().startsWith("spark-peer drained")) {
                throw new IllegalStateException("Spark: " + done.line() + "; log: " + log);
            }
            // read while the peer still exists: it waits for its standard input to close
            double cpu = proc.cpuSeconds();
            ProcStats.Memory memory = proc.memory();
            bar.done(options.events());
            Map<String, Long> rows = parseDrained(done.line());
            for (Map.Entry<String, Long> query : rows.entrySet()) {
                if (query.getValue() != options.events()) {
                    throw new IllegalStateException("Spark's query " + query.getKey() + " read " + query.getValue()
                            + " input rows of " + options.events() + "; log: " + log);
                }
            }
            double seconds = (done.atNanos() - launched) / 1e9;
            double toStarted = started.get() < 0 ? Double.NaN : (started.get() - launched) / 1e9;
            console.printf(Locale.ROOT, "Spark: launch → drained %.1f s (%,.0f events/s), queries started after %.1f s, "
                            + "%.1f CPU s, peak RSS %.0f MB; input rows per query: %s%n", seconds,
                    options.events() / seconds, toStarted, cpu, memory.peakRssBytes() / 1048576.0, rows);
            return new Results.PeerDrain(seconds, toStarted, cpu, memory.peakRssBytes() / 1048576.0, rows, load);
        } finally {
            stop(process);
            ServiceProcess.deleteTree(checkpoints);
        }
    }

    /** Copies the peer's output to its log and completes {@code outcome} at its "drained" or "failed" line (or its end). */
    private static void follow(Process process, Path log, AtomicLong started, CompletableFuture<Outcome> outcome) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
             Writer out = Files.newBufferedWriter(log, StandardOpenOption.APPEND)) {
            String line;
            while ((line = in.readLine()) != null) {
                long now = System.nanoTime();
                if (line.startsWith("spark-peer started")) {
                    started.set(now);
                } else if (line.startsWith("spark-peer drained") || line.startsWith("spark-peer failed")) {
                    outcome.complete(new Outcome(now, line));
                }
                out.write(line);
                out.write('\n');
                if (outcome.isDone()) {
                    out.flush();
                }
            }
        } catch (IOException e) {
            outcome.complete(new Outcome(System.nanoTime(), "spark-peer failed reading its output: " + e));
        }
        outcome.complete(new Outcome(System.nanoTime(), "spark-peer failed: the process ended without draining"));
    }

    /** {@code spark-peer drained a=1,b=2} → {a=1, b=2}. */
    static Map<String, Long> parseDrained(String line) {
        String prefix = "spark-peer drained ";
        if (!line.startsWith(prefix)) {
            throw new IllegalArgumentException("not a drained line: " + line);
        }
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String entry : line.substring(prefix.length()).trim().split(",")) {
            int eq = entry.lastIndexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("not query=rows: " + entry);
            }
            rows.put(entry.substring(0, eq), Long.parseLong(entry.substring(eq + 1)));
        }
        return rows;
    }

    /** The Spark version from the class path (its spark-core jar's name), or "unknown". */
    static String sparkVersion(String classPath) {
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("spark-core_[\\d.]+-([^/]+)\\.jar$").matcher(entry);
            if (m.find()) {
                return m.group(1);
            }
        }
        return "unknown";
    }

    /** Closes the peer's standard input (it stops Spark and exits), then SIGTERM, SIGKILL. */
    private static void stop(Process process) {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
