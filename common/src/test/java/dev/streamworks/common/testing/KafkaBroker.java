package dev.streamworks.common.testing;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * One real Kafka broker (KRaft) for all integration tests of a JVM: Testcontainers' Kafka
 * container where a Docker engine answers, otherwise Kafka's own broker started in-process, so
 * the tests run on a machine with only a JDK. Settings are those of a single-node cluster:
 * internal topics with one replica, no initial rebalance delay, no topic auto-creation (the
 * services create their own topics, as they must in production).
 */
public final class KafkaBroker {

    private static final Logger log = LoggerFactory.getLogger(KafkaBroker.class);

    static final Map<String, String> SINGLE_NODE = Map.of(
            "offsets.topic.replication.factor", "1",
            "offsets.topic.num.partitions", "3",
            "transaction.state.log.replication.factor", "1",
            "transaction.state.log.min.isr", "1",
            "transaction.state.log.num.partitions", "3",
            "min.insync.replicas", "1",
            "group.initial.rebalance.delay.ms", "0",
            "auto.create.topics.enable", "false");

    private static KafkaBroker shared;

    private final String bootstrapServers;
    private final AutoCloseable handle;

    private KafkaBroker(String bootstrapServers, AutoCloseable handle) {
        this.bootstrapServers = bootstrapServers;
        this.handle = handle;
    }

    /** The broker of this JVM, started on first use and stopped when the JVM exits. */
    public static synchronized KafkaBroker shared() {
        if (shared == null) {
            shared = dockerAvailable() ? startContainer() : startInProcess();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "kafka-broker-stop"));
        }
        return shared;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    private void stop() {
        try {
            handle.close();
        } catch (Exception e) {
            log.warn("Broker did not stop cleanly", e);
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static KafkaBroker startContainer() {
        KafkaContainer container = new KafkaContainer("apache/kafka-native:4.1.1");
        SINGLE_NODE.forEach((key, value) -> container.withEnv("KAFKA_" + key.toUpperCase().replace('.', '_'), value));
        container.start();
        log.info("Kafka broker (container) at {}", container.getBootstrapServers());
        return new KafkaBroker(container.getBootstrapServers(), container::stop);
    }

    private static KafkaBroker startInProcess() {
        try {
            // its own directory (under java.io.tmpdir, target/ in the build): the test kit's default
            // one is deleted by a JVM shutdown hook of Kafka's while this broker is still stopping
            Path dir = Files.createTempDirectory("kafka-broker");
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setBaseDirectory(dir).setCombined(true).setNumBrokerNodes(1)
                    .setBootstrapMetadataVersion(MetadataVersion.latestProduction()).setNumControllerNodes(1).build());
            SINGLE_NODE.forEach(builder::setConfigProp);
            KafkaClusterTestKit cluster = builder.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            log.info("Kafka broker (in-process KRaft) at {}", cluster.bootstrapServers());
            return new KafkaBroker(cluster.bootstrapServers(), cluster);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the in-process Kafka broker", e);
        }
    }
}
