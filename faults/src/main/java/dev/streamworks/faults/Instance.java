package dev.streamworks.faults;

import dev.streamworks.bench.ServiceProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One instance of a service, in its own JVM so it can be killed as a crash kills it: a stable
 * identity ({@code streamworks.instance-id}: static membership), its own HTTP port and state
 * directory, kept across restarts unless the scenario wipes it.
 */
final class Instance implements AutoCloseable {

    private final Target target;
    private final String bootstrapServers;
    private final String instanceId;
    private final Path stateDir;
    private final Path log;
    private final int port;
    private final List<String> args;
    private ServiceProcess process;
    private int starts;

    Instance(Target target, String bootstrapServers, String instanceId, Path runDir, List<String> args)
            throws IOException {
        this.target = target;
        this.bootstrapServers = bootstrapServers;
        this.instanceId = instanceId;
        this.stateDir = runDir.resolve(instanceId + "-state");
        this.log = runDir.resolve(instanceId + ".log");
        this.port = ServiceProcess.freePort();
        this.args = args;
    }

    /** Launches the JVM (the class path of the suite holds every service) and returns at once. */
    void start() throws IOException {
        List<String> all = new ArrayList<>(target.args());
        all.add("--streamworks.instance-id=" + instanceId);
        all.add("--streamworks.progress.interval=1s");
        all.add("--spring.main.banner-mode=off");
        all.add("--logging.config=classpath:faults-service-logback.xml");
        all.addAll(args);
        process = ServiceProcess.startMain(target.mainClass(), System.getProperty("java.class.path"), port,
                bootstrapServers, "exactly_once_v2", stateDir,
                List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                        "-Djava.io.tmpdir=" + stateDir.getParent()), all, log);
        starts++;
    }

    /** Waits until readiness is UP; returns the time since the launch (the restore time after a crash). */
    Duration awaitReady(Duration timeout) throws InterruptedException {
        return process.awaitRunning(timeout);
    }

    /** {@code kill -9}. */
    void kill() throws InterruptedException {
        process.kill();
    }

    /** Deletes the state directory, as a lost volume or a new node would. */
    void wipeState() {
        ServiceProcess.deleteTree(stateDir);
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    int starts() {
        return starts;
    }

    int port() {
        return port;
    }

    String instanceId() {
        return instanceId;
    }

    ServiceProcess process() {
        return process;
    }

    /** Whether the log says a stream thread died (a record that stops processing). */
    boolean threadDied() throws IOException {
        return Files.exists(log) && Files.readString(log).contains("Stream thread died");
    }

    Path log() {
        return log;
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }
}
