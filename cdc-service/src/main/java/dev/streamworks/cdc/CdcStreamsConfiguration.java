package dev.streamworks.cdc;

import dev.streamworks.cdc.processor.ChangeSerde;
import dev.streamworks.common.config.ServiceDescriptor;
import dev.streamworks.common.config.StreamworksConfiguration;
import dev.streamworks.common.config.StreamworksProperties;
import dev.streamworks.common.ops.StreamworksMetrics;
import org.apache.kafka.streams.StreamsBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import java.time.Clock;

/** Spring wiring only: the shared Streamworks wiring, the topics, and the topology into the builder. */
@Configuration(proxyBeanMethods = false)
@Import(StreamworksConfiguration.class)
@EnableConfigurationProperties(CdcProperties.class)
class CdcStreamsConfiguration {

    @Bean
    ServiceDescriptor cdcService(CdcProperties props) {
        return new ServiceDescriptor(
                props.tables().stream().map(CdcProperties.Table::sourceTopic).toList(),
                props.tables().stream().map(CdcProperties.Table::changesTopic).toList(),
                props.tables().stream().map(CdcProperties.Table::tableTopic).toList());
    }

    @Bean
    ChangeSerde changeSerde(StreamworksProperties common) {
        return new ChangeSerde(common.maxRecordBytesInt(), common.maxFutureSkew(), Clock.systemUTC());
    }

    @Bean
    CdcTopology cdcTopology(StreamsBuilder builder, CdcProperties props, ChangeSerde changes,
                            StreamworksMetrics metrics) {
        CdcTopology topology = new CdcTopology(props, changes, metrics);
        topology.addTo(builder);
        return topology;
    }
}
