package dev.streamworks.localkafka;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A real single-node Kafka cluster started inside this JVM from Kafka's own server classes: one
 * KRaft node that is broker and controller at once, listening on the loopback interface only,
 * with its data in a directory of the caller's. Nothing to install and no Docker: the tests, the
 * devstack, the bench and the fault suite all start their broker here.
 *
 * <p>Settings are those of a single-node cluster ({@link #SINGLE_NODE}): internal topics with one
 * replica, no initial rebalance delay, no topic auto-creation (the services create their own
 * topics, as they must in production). The metadata version is the latest production one.
 *
 * <p>{@link #stop()} shuts the node down cleanly and keeps its data; {@link #start()} brings it
 * back on the same ports and the same data, as an operator restarting a broker would.
 */
public final class LocalKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalKafka.class);

    /** The settings a cluster of one node needs, whatever else the caller sets. */
    public static final Map<String, String> SINGLE_NODE = Map.of(
            "offsets.topic.replication.factor", "1",
            "offsets.topic.num.partitions", "3",
            "transaction.state.log.replication.factor", "1",
            "transaction.state.log.min.isr", "1",
            "transaction.state.log.num.partitions", "3",
            "share.coordinator.state.topic.replication.factor", "1",
            "share.coordinator.state.topic.min.isr", "1",
            "min.insync.replicas", "1",
            "group.initial.rebalance.delay.ms", "0",
            "auto.create.topics.enable", "false");

    private static final int NODE_ID = 1;
    private static final String CLIENTS = "PLAINTEXT";
    private static final String CONTROLLER = "CONTROLLER";

    private final int port;
    private final int controllerPort;
    private final Path logDir;
    private final Map<String, String> overrides;
    private KafkaRaftServer server;

    private LocalKafka(int port, int controllerPort, Path dataDir, Map<String, String> overrides) {
        this.port = port;
        this.controllerPort = controllerPort;
        this.logDir = dataDir.resolve("kafka-logs");
        this.overrides = Map.copyOf(overrides);
    }

    /** Starts a node on {@code localhost:port} (0: a free port), its data under {@code dataDir}. */
    public static LocalKafka start(int port, Path dataDir) {
        return start(port, dataDir, Map.of());
    }

    /**
     * Starts a node on {@code localhost:port} (0: a free port), its data under {@code dataDir}, with
     * broker settings that add to or replace the single-node ones (for example
     * {@code message.max.bytes} or {@code log.retention.check.interval.ms}).
     */
    public static LocalKafka start(int port, Path dataDir, Map<String, String> brokerSettings) {
        LocalKafka kafka = new LocalKafka(port == 0 ? freePort() : port, freePort(), dataDir, brokerSettings);
        kafka.start();
        return kafka;
    }

    /** {@code localhost:<port>}: the address clients connect to. */
    public String bootstrapServers() {
        return "localhost:" + port;
    }

    public int port() {
        return port;
    }

    /** The directory holding the node's logs and metadata. */
    public Path logDir() {
        return logDir;
    }

    public synchronized boolean running() {
        return server != null;
    }

    /**
     * Starts the node, formatting its storage first when it is new. Once stopped, it starts again
     * on the same ports and data. Returns when the broker is unfenced and serves clients.
     */
    public synchronized void start() {
        if (server != null) {
            return;
        }
        KafkaConfig config = KafkaConfig.fromProps(properties());
        try {
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format();
            }
            KafkaRaftServer started = new KafkaRaftServer(config, Time.SYSTEM);
            // returns once the broker has caught up with the metadata log and is unfenced
            started.startup();
            server = started;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the local Kafka broker on port " + port, e);
        }
        log.info("Kafka broker (in-process KRaft) at {}, data in {}", bootstrapServers(), logDir);
    }

    /** Shuts the node down cleanly and waits until it has; its data stays for a later {@link #start()}. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.shutdown();
        server.awaitShutdown();
        server = null;
        log.info("Kafka broker at {} stopped", bootstrapServers());
    }

    @Override
    public void close() {
        stop();
    }

    private Properties properties() {
        Map<String, String> settings = new LinkedHashMap<>(SINGLE_NODE);
        settings.put("process.roles", "broker,controller");
        settings.put("node.id", String.valueOf(NODE_ID));
        settings.put("controller.quorum.voters", NODE_ID + "@localhost:" + controllerPort);
        settings.put("listeners", CLIENTS + "://localhost:" + port + "," + CONTROLLER + "://localhost:" + controllerPort);
        settings.put("advertised.listeners", CLIENTS + "://localhost:" + port);
        settings.put("listener.security.protocol.map", CLIENTS + ":PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
        settings.put("inter.broker.listener.name", CLIENTS);
        settings.put("controller.listener.names", CONTROLLER);
        settings.put("log.dirs", logDir.toString());
        settings.putAll(overrides);
        Properties properties = new Properties();
        properties.putAll(settings);
        return properties;
    }

    private void format() throws Exception {
        Files.createDirectories(logDir);
        new Formatter()
                // the formatter reports each bootstrap record; the console belongs to the caller
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .addDirectory(logDir.toString())
                .setMetadataLogDirectory(logDir.toString())
                .setControllerListenerName(CONTROLLER)
                .setReleaseVersion(MetadataVersion.latestProduction())
                .run();
    }

    /** A port no one listens on now, on the loopback interface. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
