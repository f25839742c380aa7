package dev.streamworks.common.testing;

import dev.streamworks.common.config.StreamworksProperties;
import dev.streamworks.common.streams.DeadLetterListener;
import dev.streamworks.common.streams.StreamsSettings;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.TopologyTestDriver;

import java.nio.file.Path;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * Builds a service's production topology with the production Streams settings (dead-letter
 * queue, handlers, explicit naming) and drives it with {@link TopologyTestDriver}.
 */
public final class TopologyDriver {

    private TopologyDriver() {
    }

    public static Properties settings(String applicationId, StreamworksProperties props,
                                      DeadLetterListener deadLetters, Path stateDir) {
        Properties config = new Properties();
        config.putAll(StreamsSettings.of(props, applicationId, deadLetters));
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // TopologyTestDriver's emulation of exactly-once loses the records that the deserialization
        // handler sends to the dead-letter topic (Kafka 4.3.1); on a real broker they are committed
        // with the transaction, which the services' integration tests check
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        return config;
    }

    /** A builder that applies topology-level settings, as Spring's factory bean builds it. */
    public static StreamsBuilder builder(Properties settings) {
        return new StreamsBuilder(new TopologyConfig(new StreamsConfig(settings)));
    }

    public static TopologyTestDriver drive(Properties settings, Consumer<StreamsBuilder> topology) {
        StreamsBuilder builder = builder(settings);
        topology.accept(builder);
        return new TopologyTestDriver(builder.build(), settings, TestTimes.T0);
    }
}
