package dev.streamworks.common.ops;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.streams.KafkaStreamsMicrometerListener;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StreamsMetersTest {

    @Test
    void shouldLeaveTheUncommittedBytesGaugeOutAndKeepEveryOther() {
        assertThat(StreamsMeters.safe(new MetricName("uncommitted-bytes", "stream-state-metrics", "", Map.of())))
                .isFalse();
        assertThat(StreamsMeters.safe(new MetricName("estimate-num-keys", "stream-state-metrics", "", Map.of())))
                .isTrue();
        assertThat(StreamsMeters.safe(new MetricName("process-total", "stream-thread-metrics", "", Map.of())))
                .isTrue();
    }

    @Test
    void shouldReplaceSpringsListenerOnTheFactoryBean() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        StreamsBuilderFactoryBean factory = new StreamsBuilderFactoryBean();
        factory.addListener(new KafkaStreamsMicrometerListener(registry));

        StreamsMeters.replaceOn(factory, registry);

        assertThat(factory.getListeners()).singleElement().isInstanceOf(StreamsMeters.class);
    }
}
