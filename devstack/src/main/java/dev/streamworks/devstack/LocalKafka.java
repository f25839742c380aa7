package dev.streamworks.devstack;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real single-node Kafka (KRaft: broker and controller in one process), started inside the
 * devstack's JVM from Kafka's own jars: nothing to install, no Docker. It runs the latest
 * production metadata version, not the test kit's default of the newest unstable one. Clients reach it on
 * {@code localhost:<port>}; its data lives in a temporary directory removed on close.
 */
public final class LocalKafka implements AutoCloseable {

    private final KafkaClusterTestKit cluster;
    private final String bootstrapServers;

    private LocalKafka(KafkaClusterTestKit cluster, String bootstrapServers) {
        this.cluster = cluster;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts the broker on {@code localhost:port}, its logs under {@code dataDir}. */
    public static LocalKafka start(int port, Path dataDir) throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1)
                .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                .setNumControllerNodes(1).setBaseDirectory(dataDir).build();
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
        Map.of(
                // the test kit hands its own listeners sockets it bound on random ports; clients get
                // a third listener of their own, on the fixed port, and the addresses of that one
                "listeners", nodes.brokerListenerName().value() + "://localhost:0,"
                        + nodes.controllerListenerName().value() + "://localhost:0,LOCAL://localhost:" + port,
                "listener.security.protocol.map", nodes.brokerListenerName().value() + ":PLAINTEXT,"
                        + nodes.controllerListenerName().value() + ":PLAINTEXT,LOCAL:PLAINTEXT",
                "offsets.topic.replication.factor", "1",
                "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1",
                "min.insync.replicas", "1",
                "group.initial.rebalance.delay.ms", "0",
                "auto.create.topics.enable", "false",
                "message.max.bytes", String.valueOf(2 * 1024 * 1024 + 1024)
        ).forEach(builder::setConfigProp);
        KafkaClusterTestKit cluster = builder.setDeleteOnClose(false).build();
        PrintStream console = System.out;
        try {
            // formatting prints its bootstrap records to standard output; the console is the user's
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            cluster.format();
        } finally {
            System.setOut(console);
        }
        cluster.startup();
        cluster.waitForReadyBrokers();
        return new LocalKafka(cluster, "localhost:" + port);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
