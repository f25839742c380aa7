package dev.streamworks.devstack;

import dev.streamworks.cdc.CdcServiceApplication;
import dev.streamworks.clickstream.ClickstreamServiceApplication;
import dev.streamworks.fraud.FraudServiceApplication;
import dev.streamworks.iot.IotAlertsServiceApplication;
import dev.streamworks.localkafka.LocalKafka;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The whole suite on one machine with only a JDK: a real Kafka broker (KRaft) in this JVM, every
 * service as its own Spring application in this JVM, and a generator of the course's traffic.
 * Prints what flows every few seconds; Ctrl-C stops the generator, then the services, then the
 * broker, and removes the run's data.
 */
public final class Devstack {

    private static final Duration REPORT_EVERY = Duration.ofSeconds(5);

    /**
     * Settings of the local broker beyond a single node's: records up to 2 MiB (and the headers of a
     * dead letter), so a reading above {@code streamworks.max-record-bytes} reaches a service and
     * its dead-letter topic as it would on a production cluster that accepts it.
     */
    public static final Map<String, String> LOCAL_BROKER = Map.of(
            "message.max.bytes", String.valueOf(2 * 1024 * 1024 + 1024));

    private Devstack() {
    }

    static List<DevService> services() {
        // cdc-service first: it creates cdc.users compacted, before any reader of it could create it
        return List.of(
                new DevService("cdc-service", "cdc", 8084, CdcServiceApplication::application,
                        List.of(new DevService.Output("cdc.users", "rows upserted"),
                                new DevService.Output("cdc.users.changes", "changes"))),
                new DevService("clickstream-service", "clickstream", 8081, ClickstreamServiceApplication::application,
                        List.of(new DevService.Output("clicks-per-product-5m", "product windows"),
                                new DevService.Output("user-sessions", "sessions closed"),
                                new DevService.Output("activity-anomalies", "anomalies"),
                                new DevService.Output("click-impression-matches", "matches"),
                                new DevService.Output("event-lateness-1m", "lateness minutes"))),
                new DevService("iot-alerts-service", "iot-alerts", 8082, IotAlertsServiceApplication::application,
                        List.of(new DevService.Output("device-stats-5m", "windows closed"),
                                new DevService.Output("device-alerts", "alerts"))),
                new DevService("fraud-service", "fraud", 8083, FraudServiceApplication::application,
                        List.of(new DevService.Output("fraud-alerts", "alerts"))));
    }

    public static void main(String[] args) throws Exception {
        DevstackOptions options;
        CommandLine commandLine = DevstackOptions.commandLine();
        try {
            commandLine.parseArgs(args);
            if (commandLine.isUsageHelpRequested()) {
                commandLine.usage(System.out);
                return;
            }
            if (commandLine.isVersionHelpRequested()) {
                commandLine.printVersionHelp(System.out);
                return;
            }
            options = DevstackOptions.of(commandLine.getCommand());
        } catch (CommandLine.ParameterException | IllegalArgumentException e) {
            System.err.println("devstack: " + e.getMessage());
            commandLine.usage(System.err);
            System.exit(2);
            return;
        }
        try {
            new Run(options, System.out).run();
        } catch (Exception e) {
            System.err.println("The devstack could not start: " + e);
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                System.err.println("  caused by: " + cause);
            }
            System.exit(1);
        }
    }

    /** One run: everything it started, stopped in reverse order exactly once. */
    static final class Run {

        private final DevstackOptions options;
        private final PrintStream out;
        private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
        private LocalKafka kafka;
        private TrafficPump pump;
        private FlowMonitor monitor;
        private Path dataDir;
        private volatile boolean stopping;

        Run(DevstackOptions options, PrintStream out) {
            this.options = options;
            this.out = out;
        }

        void run() throws Exception {
            Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "devstack-stop"));
            dataDir = Files.createTempDirectory("streamworks-devstack");
            String bootstrapServers = options.bootstrapServers();
            if (bootstrapServers == null) {
                out.printf("Starting Kafka (KRaft, in-process) on localhost:%d ...%n", options.kafkaPort());
                kafka = LocalKafka.start(options.kafkaPort(), Files.createDirectories(dataDir.resolve("kafka")),
                        LOCAL_BROKER);
                bootstrapServers = kafka.bootstrapServers();
            }
            List<DevService> services = services();
            for (DevService service : options.trafficOnly() ? List.<DevService>of() : services) {
                out.printf("Starting %s on http://localhost:%d ...%n", service.name(), service.port());
                contexts.add(service.application().get().registerShutdownHook(false).run(
                        "--spring.kafka.bootstrap-servers=" + bootstrapServers,
                        "--server.port=" + service.port(),
                        "--streamworks.state-dir=" + dataDir.resolve(service.name()),
                        "--streamworks.leave-group-on-close=true",
                        "--spring.main.banner-mode=off"));
            }
            EventClock clock = new EventClock(Clock.systemUTC(), options.speed());
            pump = new TrafficPump(bootstrapServers,
                    List.of(new TelemetryTraffic(options.devices(), clock, options.seed()),
                            new TransactionTraffic(clock, options.seed()),
                            new UserChangeTraffic(500, clock, options.seed()),
                            new ClickTraffic(500, clock, options.seed()),
                            new ImpressionTraffic(500, clock, options.seed())), options.rate());
            monitor = new FlowMonitor(bootstrapServers, services, out);
            printWelcome(bootstrapServers, services);
            pump.start();
            report();
        }

        private void printWelcome(String bootstrapServers, List<DevService> services) {
            out.println();
            out.println("Streamworks devstack is running. Kafka: " + bootstrapServers
                    + (options.trafficOnly() ? " (traffic only: the services run elsewhere)" : ""));
            out.println("Open a service's live page (rates, watermarks, state, topology) in a browser:");
            for (DevService service : services) {
                out.printf("  %-20s http://localhost:%d/%n", service.name(), service.port());
            }
            out.println("  each also answers /actuator/progress, /actuator/health, /actuator/prometheus and /swagger-ui.html");
            out.println("  try: curl -s localhost:8081/api/products/" + ClickTraffic.productId(1) + "/conversion");
            out.println("       curl -s localhost:8082/api/devices/" + TelemetryTraffic.deviceId(2) + "/alerts");
            out.println("       curl -s localhost:8083/api/users/" + TransactionTraffic.Scenario.COMBO.user(1) + "/risk");
            out.println("       curl -s localhost:8084/api/tables/users/rows/" + UserChangeTraffic.userId(1));
            out.printf("Event time runs %dx faster than the wall clock until it reaches the present. Ctrl-C stops.%n",
                    options.speed());
        }

        private void report() {
            long start = System.nanoTime();
            while (!stopping) {
                monitor.poll(REPORT_EVERY);
                Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
                if (stopping) {
                    return;
                }
                monitor.report(elapsed, pump.sent(), options.rate());
                if (options.duration() != null && elapsed.compareTo(options.duration()) >= 0) {
                    out.println("Duration reached; stopping.");
                    System.exit(0);
                }
            }
        }

        private synchronized void stop() {
            if (stopping) {
                return;
            }
            stopping = true;
            out.println("\nStopping: generator, services, broker ...");
            close(pump);
            for (int i = contexts.size() - 1; i >= 0; i--) {
                contexts.get(i).close();
            }
            close(monitor);
            close(kafka);
            deleteQuietly(dataDir);
            out.println("Stopped.");
        }

        private static void close(AutoCloseable closeable) {
            if (closeable == null) {
                return;
            }
            try {
                closeable.close();
            } catch (Exception e) {
                System.err.println("while stopping: " + e);
            }
        }

        private static void deleteQuietly(Path dir) {
            if (dir == null) {
                return;
            }
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                System.err.println("could not remove " + dir + ": " + e.getMessage());
            }
        }
    }
}
