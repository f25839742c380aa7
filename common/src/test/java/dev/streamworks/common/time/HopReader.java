package dev.streamworks.common.time;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** Reads a repartition topic written in batches (read_committed) and collects the records in them, in order. */
final class HopReader implements AutoCloseable {

    /** A record inside a batch, with where its batch is. */
    record Unpacked(int partition, long offset, String key, String value, long timestamp, Stamp stamp) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<Unpacked> records = new CopyOnWriteArrayList<>();

    HopReader(String bootstrapServers, String topic) {
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "test-hop-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
    }

    /** Polls once and returns every inner record read so far. */
    List<Unpacked> poll() {
        for (ConsumerRecord<byte[], byte[]> batch : consumer.poll(Duration.ofMillis(200))) {
            for (HopBatch.Inner inner : HopBatch.read(batch.value())) {
                records.add(new Unpacked(batch.partition(), batch.offset(), text(inner.key()), text(inner.value()),
                        inner.timestamp(), Stamp.of(inner.headers())));
            }
        }
        return List.copyOf(records);
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
