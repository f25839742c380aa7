package dev.streamworks.common.testing;

import dev.streamworks.localkafka.LocalKafka;
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

    /** The settings of a single-node cluster, shared with the in-process broker. */
    static final Map<String, String> SINGLE_NODE = LocalKafka.SINGLE_NODE;

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
        KafkaContainer container = new KafkaContainer("apache/kafka-native:4.4.0");
        SINGLE_NODE.forEach((key, value) -> container.withEnv("KAFKA_" + key.toUpperCase().replace('.', '_'), value));
        container.start();
        log.info("Kafka broker (container) at {}", container.getBootstrapServers());
        return new KafkaBroker(container.getBootstrapServers(), container::stop);
    }

    private static KafkaBroker startInProcess() {
        try {
            // its own directory, under java.io.tmpdir (target/ in the build)
            Path dir = Files.createTempDirectory("kafka-broker");
            LocalKafka kafka = LocalKafka.start(0, dir);
            return new KafkaBroker(kafka.bootstrapServers(), kafka);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the in-process Kafka broker", e);
        }
    }
}
