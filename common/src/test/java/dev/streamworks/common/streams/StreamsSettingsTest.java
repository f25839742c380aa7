package dev.streamworks.common.streams;

import dev.streamworks.common.config.StreamworksProperties;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StreamsSettingsTest {

    private final DeadLetterListener listener = (stage, error) -> { };

    @Test
    void shouldRunExactlyOnceWithTheDeadLetterQueueAndExplicitNamesByDefault() {
        Map<String, Object> config = StreamsSettings.of(StreamworksProperties.defaults(), "fraud", listener);

        assertThat(config).containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2")
                .containsEntry(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "fraud.dlq")
                .containsEntry(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                        DeadLetterHandlers.Deserialization.class)
                .containsEntry(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                        DeadLetterHandlers.Processing.class)
                .containsEntry(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
                        DeadLetterHandlers.Production.class)
                .containsEntry(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true)
                .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG,
                        Math.min(6, Runtime.getRuntime().availableProcessors()))
                .containsEntry(DeadLetterListener.CONFIG, listener)
                .containsEntry("producer.batch.size", 256 * 1024)
                .containsEntry(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG, true)
                .containsEntry("restore.consumer.fetch.max.wait.ms", 100)
                .containsEntry("main.consumer.heartbeat.interval.ms", 500)
                .containsEntry("main.consumer.retry.backoff.ms", 10)
                .containsEntry("producer.retry.backoff.ms", 10)
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000)
                .containsEntry(StreamsConfig.PROCESSOR_WRAPPER_CLASS_CONFIG, CommitPacing.class)
                .doesNotContainKey(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)
                .doesNotContainKey("group.instance.id")
                .doesNotContainKey(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG)
                .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1)
                .doesNotContainKey("topic.min.insync.replicas");
        assertThat(new StreamsConfig(withRequired(config)).getString(StreamsConfig.STATE_DIR_CONFIG))
                .endsWith("/streamworks");
    }

    @Test
    void shouldSetStaticMembershipAtLeastOnceAndAProducerRequestLargeEnoughForTheDeadLetterQueue() {
        StreamworksProperties props = new StreamworksProperties("iot-alerts-0",
                StreamworksProperties.Guarantee.AT_LEAST_ONCE, DataSize.ofMegabytes(3), Duration.ofHours(1),
                "/var/lib/streamworks", true, new StreamworksProperties.Topics(6, (short) 3, 2),
                new StreamworksProperties.Progress(Duration.ofSeconds(10), 100, 1.2, 100),
                new StreamworksProperties.RocksDb(DataSize.ofMegabytes(256), 0.25), Duration.ofMinutes(2), 1,
                Duration.ofSeconds(30), false);

        Map<String, Object> config = StreamsSettings.of(props, "iot-alerts", listener);

        assertThat(config).containsEntry("group.instance.id", "iot-alerts-0")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "at_least_once")
                .containsEntry(StreamsConfig.STATE_DIR_CONFIG, "/var/lib/streamworks")
                .containsEntry("producer.max.request.size", 6 * 1024 * 1024 + 64 * 1024)
                .containsEntry("topic.max.message.bytes", 6 * 1024 * 1024 + 64 * 1024)
                .doesNotContainKey("producer.batch.size")
                .doesNotContainKey("producer.retry.backoff.ms")
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100)
                .doesNotContainKey(StreamsConfig.PROCESSOR_WRAPPER_CLASS_CONFIG)
                .doesNotContainKey(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG)
                .containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1)
                .containsEntry(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class)
                .containsEntry(BoundedRocksDbMemory.TOTAL_BYTES_CONFIG, 256L * 1024 * 1024)
                .containsEntry(BoundedRocksDbMemory.MEMTABLE_SHARE_CONFIG, 0.25);
    }

    @Test
    void shouldRunAStreamThreadPerProcessorButNoMoreThanPartitions() {
        StreamworksProperties defaults = StreamworksProperties.defaults();

        assertThat(StreamsSettings.streamThreads(defaults, 1)).isEqualTo(1);
        assertThat(StreamsSettings.streamThreads(defaults, 2)).isEqualTo(2);
        assertThat(StreamsSettings.streamThreads(defaults, 64)).isEqualTo(defaults.topics().partitions());
    }

    @Test
    void shouldGiveInternalTopicsTheReplicationOfTheTopicsTheServiceCreates() {
        StreamworksProperties defaults = StreamworksProperties.defaults();
        StreamworksProperties production = new StreamworksProperties(null, defaults.guarantee(),
                defaults.maxRecordBytes(), defaults.maxFutureSkew(), null, false,
                new StreamworksProperties.Topics(6, (short) 3, 2), defaults.progress(), defaults.rocksdb(),
                defaults.stuckAfter(), null, defaults.idleTimeout(), false);

        StreamsConfig config = new StreamsConfig(withRequired(StreamsSettings.of(production, "fraud", listener)));

        // what Kafka Streams hands to the topics it creates: changelogs and repartition topics
        assertThat(config.getInt(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isEqualTo(3);
        assertThat(config.originalsWithPrefix(StreamsConfig.TOPIC_PREFIX))
                .containsEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, 2);
    }

    private static Map<String, Object> withRequired(Map<String, Object> config) {
        Map<String, Object> all = new java.util.HashMap<>(config);
        all.put(StreamsConfig.APPLICATION_ID_CONFIG, "fraud");
        all.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        return all;
    }
}
