package dev.streamworks.clickstream;

import dev.streamworks.common.config.ServiceDescriptor;
import dev.streamworks.common.config.StreamworksConfiguration;
import dev.streamworks.common.config.StreamworksProperties;
import dev.streamworks.common.event.Click;
import dev.streamworks.common.event.Impression;
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

/** Spring wiring only: the shared Streamworks wiring, the topics, the serdes and the topology into the builder. */
@Configuration(proxyBeanMethods = false)
@Import(StreamworksConfiguration.class)
@EnableConfigurationProperties(ClickstreamProperties.class)
class ClickstreamStreamsConfiguration {

    @Bean
    ServiceDescriptor clickstreamService(ClickstreamProperties props) {
        ClickstreamProperties.Topics topics = props.topics();
        // cdc.users is cdc-service's compacted table, only read here: created compacted when
        // this service starts first, so the global table has a source
        return new ServiceDescriptor(List.of(topics.clicks(), topics.impressions()),
                List.of(topics.clicksPerProduct(), topics.eventTypeCounts(), topics.userSessions(),
                        topics.userActivity(), topics.productConversion(), topics.activityAnomalies(),
                        topics.matches(), topics.segmentDashboard(), topics.eventLateness()),
                List.of(), List.of(topics.users()));
    }

    @Bean
    EventSerde<Click> clickSerde(StreamworksProperties common) {
        return new EventSerde<>(Click.class, common.maxRecordBytesInt(), common.maxFutureSkew(), Clock.systemUTC());
    }

    @Bean
    EventSerde<Impression> impressionSerde(StreamworksProperties common) {
        return new EventSerde<>(Impression.class, common.maxRecordBytesInt(), common.maxFutureSkew(),
                Clock.systemUTC());
    }

    @Bean
    ClickstreamTopology clickstreamTopology(StreamsBuilder builder, ClickstreamProperties props,
                                            EventSerde<Click> clicks, EventSerde<Impression> impressions,
                                            StreamworksMetrics metrics, EventTime eventTime,
                                            @Qualifier(KafkaStreamsDefaultConfiguration.DEFAULT_STREAMS_CONFIG_BEAN_NAME)
                                            KafkaStreamsConfiguration streamsConfig) {
        String lateTopic = Topics.late(StreamworksConfiguration.applicationId(streamsConfig));
        ClickstreamTopology topology = new ClickstreamTopology(props, clicks, impressions, metrics, eventTime,
                lateTopic);
        topology.addTo(builder);
        return topology;
    }
}
