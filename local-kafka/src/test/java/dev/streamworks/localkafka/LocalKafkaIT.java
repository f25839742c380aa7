package dev.streamworks.localkafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class LocalKafkaIT {

    @TempDir
    java.nio.file.Path dir;

    @Test
    void shouldServeClientsOnTheRequestedPortAndKeepItsDataAcrossARestart() throws Exception {
        int port = LocalKafka.freePort();
        try (LocalKafka kafka = LocalKafka.start(port, dir, Map.of("message.max.bytes", "3000000"))) {
            assertThat(kafka.bootstrapServers()).isEqualTo("localhost:" + port);
            try (Admin admin = admin(kafka)) {
                admin.createTopics(List.of(new NewTopic("probe", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
                String maxMessageBytes = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.BROKER, "1")))
                        .all().get(30, TimeUnit.SECONDS).values().iterator().next().get("message.max.bytes").value();
                assertThat(maxMessageBytes).isEqualTo("3000000");
            }
            produce(kafka, "before");

            kafka.stop();
            assertThat(kafka.running()).isFalse();
            kafka.start();

            produce(kafka, "after");
            assertThat(readAll(kafka)).containsExactly("before", "after");
        }
    }

    private static Admin admin(LocalKafka kafka) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    private static void produce(LocalKafka kafka, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("probe", value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static List<String> readAll(LocalKafka kafka) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition("probe", 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.size() < 2 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
