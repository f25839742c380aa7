package dev.streamworks.common.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.kafka.FilteredKafkaMetrics;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.streams.KafkaStreamsMicrometerListener;

import java.util.List;

/**
 * The Kafka Streams client's metrics in Micrometer, as Spring's {@link KafkaStreamsMicrometerListener}
 * binds them, without the gauges that are unsafe to read: Kafka Streams 4.4's per-store
 * {@code uncommitted-bytes} (transactional state stores, KIP-892) reads a native RocksDB buffer
 * that its store frees on close, so a scrape during a rebalance or a shutdown crashes the JVM.
 * Replaces Spring Boot's listener on the factory bean ({@link #replaceOn}).
 */
public final class StreamsMeters extends KafkaStreamsMicrometerListener {

    static final String UNSAFE = "uncommitted-bytes";

    public StreamsMeters(MeterRegistry registry) {
        super(registry);
    }

    /** Takes Spring Boot's Kafka Streams meter listener off {@code factory} and puts this one on. */
    public static void replaceOn(StreamsBuilderFactoryBean factory, MeterRegistry registry) {
        List.copyOf(factory.getListeners()).stream().filter(KafkaStreamsMicrometerListener.class::isInstance)
                .forEach(factory::removeListener);
        factory.addListener(new StreamsMeters(registry));
    }

    static boolean safe(MetricName name) {
        return !name.name().equals(UNSAFE);
    }

    @Override
    protected MeterBinder createClientMetrics(KafkaStreams streams, List<Tag> tags) {
        return new FilteredKafkaMetrics(streams::metrics, StreamsMeters::safe, tags);
    }
}
