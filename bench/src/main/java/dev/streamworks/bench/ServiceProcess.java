package dev.streamworks.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;

/**
 * One service in its own JVM (launched as its image launches it, {@link ClassDataArchive}, or its
 * main class on a class path), so the CPU time and memory read from {@code /proc/<pid>} are the service's alone,
 * and it can be killed as a crash kills it ({@link #kill()}, the fault suite). Its output goes to
 * a log file.
 */
public final class ServiceProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;
    private final ProcStats proc;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final long launchedNanos;

    private ServiceProcess(Process process, int port, Path log, long launchedNanos) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.proc = new ProcStats(process.pid(), ProcStats.clockTicks());
        this.launchedNanos = launchedNanos;
    }

    /**
     * Starts the service's {@code jar} as its image starts it (unpacked, with its class-data archive:
     * {@link ClassDataArchive}, prepared first if it is not yet) against {@code bootstrapServers} with
     * the given guarantee, a free HTTP port and its own temporary state directory, leaving the group
     * on close.
     */
    public static ServiceProcess start(Path jar, String bootstrapServers, String guarantee, Path stateDir,
                                       List<String> jvmOptions, List<String> args, Path log)
            throws IOException, InterruptedException {
        Path dir = ClassDataArchive.prepare(jar);
        return launch(ClassDataArchive.launchArguments(), dir, freePort(), bootstrapServers, guarantee, stateDir,
                jvmOptions, args, log);
    }

    /**
     * As {@link #start}, but runs {@code mainClass} on {@code classPath} (the services share one
     * class path: each reads its own configuration file) on the given HTTP port.
     */
    public static ServiceProcess startMain(String mainClass, String classPath, int port, String bootstrapServers,
                                           String guarantee, Path stateDir, List<String> jvmOptions, List<String> args,
                                           Path log) throws IOException {
        return launch(List.of("-cp", classPath, mainClass), null, port, bootstrapServers, guarantee, stateDir,
                jvmOptions, args, log);
    }

    private static ServiceProcess launch(List<String> main, Path workingDir, int port, String bootstrapServers,
                                         String guarantee, Path stateDir, List<String> jvmOptions, List<String> args,
                                         Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(main);
        command.add("--spring.kafka.bootstrap-servers=" + bootstrapServers);
        command.add("--server.port=" + port);
        command.add("--streamworks.state-dir=" + stateDir);
        command.add("--streamworks.leave-group-on-close=true");
        command.add("--streamworks.guarantee=" + guarantee);
        command.addAll(args);
        Files.createDirectories(log.getParent());
        Files.writeString(log, String.join(" ", command.stream()
                .map(part -> part.length() > 200 ? part.substring(0, 60) + "..." : part).toList()) + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        long launched = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (workingDir != null) {
            builder.directory(workingDir.toFile());
        }
        Process process = builder.start();
        return new ServiceProcess(process, port, log, launched);
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /** Waits until readiness is UP (Kafka Streams RUNNING); returns the time since launch. */
    public Duration awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the service exited with " + process.exitValue() + "; log: " + log
                        + "\n" + tail());
            }
            try {
                HttpResponse<String> response = get("/actuator/health/readiness");
                if (response.statusCode() == 200 && response.body().contains("\"UP\"")) {
                    return Duration.ofNanos(System.nanoTime() - launchedNanos);
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the service did not become ready within " + timeout + "; log: " + log
                + "\n" + tail());
    }

    /** Time from launch to readiness UP if the service is ready now, else null. */
    public Duration runningSince() throws InterruptedException {
        try {
            HttpResponse<String> response = get("/actuator/health/readiness");
            if (response.statusCode() == 200 && response.body().contains("\"UP\"")) {
                return Duration.ofNanos(System.nanoTime() - launchedNanos);
            }
        } catch (IOException e) {
            // not listening yet
        }
        return null;
    }

    /** {@link #processedRecords()}, or -1 while the service does not answer. */
    public long processedRecordsOrMinusOne() throws InterruptedException {
        try {
            return processedRecords();
        } catch (IOException e) {
            return -1;
        }
    }

    /** {@code streamworks_records_in_total} (all topics) plus {@code streamworks_dlq_records_total}. */
    public long processedRecords() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/actuator/prometheus");
        if (response.statusCode() != 200) {
            throw new IOException("/actuator/prometheus answered " + response.statusCode());
        }
        return Prometheus.sum(response.body(), "streamworks_records_in_total")
                + Prometheus.sum(response.body(), "streamworks_dlq_records_total");
    }

    /** {@code streamworks_late_records_total} per output: inputs that windowed output could not count. */
    public SortedMap<String, Long> lateRecordsByOutput() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/actuator/prometheus");
        if (response.statusCode() != 200) {
            throw new IOException("/actuator/prometheus answered " + response.statusCode());
        }
        return Prometheus.byLabel(response.body(), "streamworks_late_records_total", "output");
    }

    /** The body of {@code /actuator/progress}. */
    public String progress() throws IOException, InterruptedException {
        return get("/actuator/progress").body();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@link System#nanoTime()} when the process was launched. */
    public long launchedNanos() {
        return launchedNanos;
    }

    public ProcStats proc() {
        return proc;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** Kills the service at once, as a crash would ({@code kill -9}): no shutdown hook, no commit, no leave. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public int port() {
        return port;
    }

    /** GET on the service's HTTP port. */
    public HttpResponse<String> request(String path) throws IOException, InterruptedException {
        return get(path);
    }

    /** The last 30 lines of its log. */
    public String logTail() {
        return tail();
    }

    /** Stops the service: SIGTERM (a graceful shutdown leaves the group), SIGKILL after 15 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // a temporary directory left behind is not worth failing a run for
        }
    }
}
