package dev.streamworks.common.config;

import dev.streamworks.common.time.PartitionCounts;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The class-data training run of the image build (deploy/docker/Dockerfile) refreshes the context
 * with {@code spring.context.exit=onRefresh} and no broker: building the topology must not ask one.
 */
class TrainingRunTest {

    private final ServiceDescriptor service = new ServiceDescriptor(List.of("iot-telemetry"),
            List.of("device-stats-5m"), List.of());

    private final Supplier<Admin> noBroker = () -> {
        throw new AssertionError("a training run must not connect to Kafka");
    };

    @Test
    void shouldBuildTheTopologyWithTheCreatedPartitionCountWithoutABrokerInATrainingRun() {
        // given
        MockEnvironment environment = new MockEnvironment().withProperty("spring.context.exit", "onRefresh");

        // when
        PartitionCounts counts = StreamworksConfiguration.partitionCounts(environment,
                StreamworksProperties.defaults(), service, noBroker);

        // then
        assertThat(StreamworksConfiguration.isTrainingRun(environment)).isTrue();
        assertThat(counts.of("iot-telemetry")).isEqualTo(StreamworksProperties.defaults().topics().partitions());
    }

    @Test
    void shouldReadThePartitionCountsFromTheBrokerOutsideATrainingRun() {
        // given
        MockEnvironment environment = new MockEnvironment();

        // when
        PartitionCounts counts = StreamworksConfiguration.partitionCounts(environment,
                StreamworksProperties.defaults(), service, noBroker);

        // then: the broker is asked (lazily, when the topology asks for a count)
        assertThat(StreamworksConfiguration.isTrainingRun(environment)).isFalse();
        assertThat(counts).isInstanceOf(TopicPartitionCounts.class);
    }
}
