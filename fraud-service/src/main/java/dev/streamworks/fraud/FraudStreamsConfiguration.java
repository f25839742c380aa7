package dev.streamworks.fraud;

import dev.streamworks.common.config.ServiceDescriptor;
import dev.streamworks.common.config.StreamworksConfiguration;
import dev.streamworks.common.config.StreamworksProperties;
import dev.streamworks.common.event.Transaction;
import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.serde.EventSerde;
import dev.streamworks.common.streams.Topics;
import dev.streamworks.common.time.EventTime;
import org.apache.kafka.streams.StreamsBuilder;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaStreamsDefaultConfiguration;
import org.springframework.kafka.config.KafkaStreamsConfiguration;

import java.time.Clock;
import java.util.List;

/** Spring wiring only: the shared Streamworks wiring, the topics, and the topology into the builder. */
@Configuration(proxyBeanMethods = false)
@Import(StreamworksConfiguration.class)
@EnableConfigurationProperties(FraudProperties.class)
class FraudStreamsConfiguration {

    @Bean
    ServiceDescriptor fraudService(FraudProperties props) {
        return new ServiceDescriptor(List.of(props.topics().transactions()), List.of(props.topics().alerts()),
                List.of());
    }

    @Bean
    EventSerde<Transaction> transactionSerde(StreamworksProperties common) {
        return new EventSerde<>(Transaction.class, common.maxRecordBytesInt(), common.maxFutureSkew(),
                Clock.systemUTC());
    }

    @Bean
    FraudTopology fraudTopology(StreamsBuilder builder, FraudProperties props, EventSerde<Transaction> transactions,
                                StreamworksMetrics metrics, EventTime eventTime,
                                @Qualifier(KafkaStreamsDefaultConfiguration.DEFAULT_STREAMS_CONFIG_BEAN_NAME)
                                KafkaStreamsConfiguration streamsConfig) {
        String lateTopic = Topics.late(StreamworksConfiguration.applicationId(streamsConfig));
        FraudTopology topology = new FraudTopology(props, transactions, metrics, eventTime, lateTopic);
        topology.addTo(builder);
        return topology;
    }
}
