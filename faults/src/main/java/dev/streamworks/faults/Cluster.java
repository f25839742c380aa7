package dev.streamworks.faults;

import dev.streamworks.bench.ServiceProcess;
import dev.streamworks.localkafka.LocalKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The broker of one run, started by the suite (a fresh in-process KRaft node on a free port with
 * its own data), and what the suite does with it: create topics, send records, wait until a
 * service has committed everything, read a topic back as a read_committed reader would.
 */
final class Cluster implements AutoCloseable {

    /** Records up to 16 MiB on the inputs the suite creates: a 10 MB poison value must reach the service. */
    static final int LARGE_INPUT_BYTES = 16 * 1024 * 1024;

    private final LocalKafka kafka;
    private final Path dir;
    private Admin admin;

    private Cluster(LocalKafka kafka, Path dir) {
        this.kafka = kafka;
        this.dir = dir;
        this.admin = newAdmin();
    }

    /** A fresh broker; {@code retentionCheck} shortens the broker's retention check interval (null: Kafka's 5 min). */
    static Cluster start(Duration retentionCheck) throws Exception {
        Path dir = Files.createTempDirectory("faults-kafka-");
        Map<String, String> settings = new HashMap<>();
        settings.put("message.max.bytes", String.valueOf(LARGE_INPUT_BYTES + 1024 * 1024));
        settings.put("group.min.session.timeout.ms", "3000");
        if (retentionCheck != null) {
            settings.put("log.retention.check.interval.ms", String.valueOf(retentionCheck.toMillis()));
        }
        return new Cluster(LocalKafka.start(0, dir, settings), dir);
    }

    private Admin newAdmin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Stops the broker cleanly (its data stays). */
    void stopBroker() {
        admin.close(Duration.ofSeconds(1));
        kafka.stop();
    }

    /** Starts it again on the same ports and data. */
    void startBroker() {
        kafka.start();
        admin = newAdmin();
    }

    void createTopics(List<String> topics, int partitions, Map<String, String> configs) throws Exception {
        Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t))
                .map(t -> new NewTopic(t, partitions, (short) 1).configs(configs)).toList();
        if (!missing.isEmpty()) {
            admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
        }
    }

    KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, LARGE_INPUT_BYTES + 1024 * 1024,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                // a broker outage must not make the feed give up
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 300_000), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * The records the application has not committed yet, on its input topics and its repartition
     * topics: 0 once everything it read is processed and, under exactly-once, its outputs committed.
     */
    long uncommitted(String groupId, List<String> inputs) throws Exception {
        Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                .filter(t -> inputs.contains(t) || (t.startsWith(groupId + "-") && t.endsWith("-repartition")))
                .collect(Collectors.toSet());
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, description) ->
                description.partitions().forEach(p -> request.put(new TopicPartition(name, p.partition()),
                        OffsetSpec.latest())));
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        long behind = 0;
        for (var end : admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).entrySet()) {
            OffsetAndMetadata offset = committed.get(end.getKey());
            long endOffset = end.getValue().offset();
            long position = offset == null ? 0 : offset.offset();
            // a transaction's commit marker after the last record is not a record to process
            behind += Math.max(0, endOffset - position - (end.getKey().topic().endsWith("-repartition") ? 1 : 0));
        }
        return behind;
    }

    /** Every committed record of {@code topic}, in partition and offset order. */
    List<ConsumerRecord<byte[], byte[]>> readAll(String topic) throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, LARGE_INPUT_BYTES + 1024 * 1024);
        config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, LARGE_INPUT_BYTES + 1024 * 1024);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (partitions.stream().anyMatch(p -> consumer.position(p, Duration.ofSeconds(30)) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        records.sort(java.util.Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition)
                .thenComparingLong(ConsumerRecord::offset));
        return records;
    }

    boolean topicExists(String topic) throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        return admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic);
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
        kafka.close();
        ServiceProcess.deleteTree(dir);
    }
}
