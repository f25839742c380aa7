package dev.streamworks.common.config;

import dev.streamworks.common.streams.DeadLetterRecords;
import dev.streamworks.common.streams.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Creates the topics a service reads and writes when they are missing, and leaves existing ones
 * alone: unlike Spring's {@code KafkaAdmin}, it never adds partitions to a topic that has fewer,
 * which would move keys away from their state. At start it also reads what the topics accept
 * ({@link #prepare}): the dead-letter and late topics are created to hold any record an input
 * accepts, and the service learns the sizes it may write.
 */
public final class TopicCreator {

    private static final Logger log = LoggerFactory.getLogger(TopicCreator.class);

    private final Supplier<Admin> admin;
    private final StreamworksProperties props;

    public TopicCreator(Supplier<Admin> admin, StreamworksProperties props) {
        this.admin = admin;
        this.props = props;
    }

    /**
     * What the cluster accepts, read at start: the largest {@code max.message.bytes} of the inputs,
     * the bytes a record the service writes may take ({@link StreamworksProperties#recordBytes}),
     * and what the dead-letter topic accepts (smaller than that only when it existed before).
     */
    public record Sizes(int largestInput, int recordBytes, int deadLetterTopic, Map<String, Long> timeRetention) {

        /** The size a dead-letter record is cut to: the smaller of the producer's and the topic's limits. */
        public int deadLetterLimit(int maxRequestSize) {
            return Math.min(maxRequestSize, deadLetterTopic);
        }
    }

    /** The topics of {@code service} as they would be created: inputs, outputs, DLQ and late topic. */
    public List<NewTopic> plan(String applicationId, ServiceDescriptor service) {
        List<NewTopic> topics = new ArrayList<>(ownTopics(service));
        topics.addAll(errorTopics(applicationId, props.recordBytes(0)));
        return topics;
    }

    private List<NewTopic> ownTopics(ServiceDescriptor service) {
        List<NewTopic> topics = new ArrayList<>();
        service.inputs().forEach(name -> topics.add(topic(name, Map.of())));
        // outputs carry event times as their timestamps: a replay of last year's events writes
        // records a year old, which a time retention would delete at the broker's next check
        service.outputs().forEach(name -> topics.add(topic(name, KEEP)));
        Stream.concat(service.compactedOutputs().stream(), service.tables().stream()).forEach(name -> topics.add(
                topic(name, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))));
        return topics;
    }

    /** No time retention: records are kept whatever their timestamp (bound them with retention.bytes). */
    private static final Map<String, String> KEEP = Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1");

    private List<NewTopic> errorTopics(String applicationId, int recordBytes) {
        // routing a record there must never fail for its size, and what is routed there (records of
        // any age) must stay until someone has looked at it
        Map<String, String> large = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(recordBytes),
                TopicConfig.RETENTION_MS_CONFIG, "-1");
        return List.of(topic(Topics.deadLetter(applicationId), large), topic(Topics.late(applicationId), large));
    }

    /**
     * Creates the missing topics of {@code service}, the dead-letter and late topics large enough
     * for any record its inputs accept, and returns the sizes read from the cluster. One Admin
     * client for all of it: this runs on every start, before Kafka Streams, so it is on the path of
     * a restart.
     */
    public Sizes prepare(String applicationId, ServiceDescriptor service, Duration timeout) {
        try (Admin client = admin.get()) {
            createMissing(client, ownTopics(service), timeout);
            int largestInput = service.inputs().isEmpty() ? 0 : configs(client, service.inputs(), timeout).values()
                    .stream().mapToInt(TopicCreator::maxMessageBytes).max().orElse(0);
            int recordBytes = props.recordBytes(largestInput);
            createMissing(client, errorTopics(applicationId, recordBytes), timeout);
            String deadLetter = Topics.deadLetter(applicationId);
            List<String> written = new ArrayList<>(service.outputs());
            written.addAll(service.compactedOutputs());
            written.add(deadLetter);
            written.add(Topics.late(applicationId));
            Map<String, Config> configs = configs(client, written, timeout);
            int deadLetterTopic = maxMessageBytes(configs.get(deadLetter));
            if (deadLetterTopic < recordBytes) {
                log.warn("Topic {} accepts records up to {} bytes, the inputs up to {}: a dead letter larger than that "
                        + "will be cut to fit (header {}); raise its max.message.bytes to {} to keep them whole",
                        deadLetter, deadLetterTopic, largestInput, DeadLetterRecords.TRUNCATED_FROM, recordBytes);
            }
            log.info("Inputs accept records up to {} bytes; the service writes records up to {} bytes", largestInput,
                    recordBytes);
            Map<String, Long> timeRetention = timeRetention(configs);
            timeRetention.forEach((topic, retention) -> log.warn("Topic {} deletes records older than {} ms (retention.ms, "
                    + "cleanup.policy delete): the service stamps what it writes there with event times, so a replay or "
                    + "a backfill of older events is deleted at the broker's next retention check; set retention.ms=-1 "
                    + "(and bound it with retention.bytes) to keep history", topic, retention));
            return new Sizes(largestInput, recordBytes, deadLetterTopic, timeRetention);
        }
    }

    /** The topics among {@code configs} whose time retention deletes records by their timestamp, and that retention. */
    private static Map<String, Long> timeRetention(Map<String, Config> configs) {
        Map<String, Long> deleting = new java.util.TreeMap<>();
        configs.forEach((topic, config) -> {
            boolean delete = config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value().contains(TopicConfig.CLEANUP_POLICY_DELETE);
            long retention = Long.parseLong(config.get(TopicConfig.RETENTION_MS_CONFIG).value());
            if (delete && retention >= 0) {
                deleting.put(topic, retention);
            }
        });
        return deleting;
    }

    /** The {@code max.message.bytes} in force for a topic (its own, or the broker's default). */
    private static int maxMessageBytes(Config config) {
        return Integer.parseInt(config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value());
    }

    /** The configuration in force for each topic. */
    private static Map<String, Config> configs(Admin client, List<String> topics, Duration timeout) {
        try {
            List<ConfigResource> resources = topics.stream()
                    .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList();
            Map<String, Config> configs = new HashMap<>();
            client.describeConfigs(resources).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((resource, config) -> configs.put(resource.name(), config));
            return configs;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading topic configurations", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer while reading the configurations of " + topics, e);
        }
    }

    private NewTopic topic(String name, Map<String, String> configs) {
        Map<String, String> all = new HashMap<>(configs);
        if (props.topics().minInsyncReplicas() != null) {
            all.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(props.topics().minInsyncReplicas()));
        }
        return new NewTopic(name, props.topics().partitions(), props.topics().replicationFactor()).configs(all);
    }

    /**
     * Waits until every partition of the new topics has a leader in the metadata the brokers
     * serve: a Streams client that starts before that fails its first assignment with missing
     * source topics.
     */
    private static void awaitLeaders(Admin client, List<String> topics, Duration timeout)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                boolean ready = client.describeTopics(topics).allTopicNames()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS).values().stream()
                        .allMatch(topic -> topic.partitions().stream().allMatch(partition -> partition.leader() != null));
                if (ready) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new java.util.concurrent.TimeoutException("Topics " + topics + " have no leaders after " + timeout);
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /** Creates what is missing; waits up to {@code timeout} for the cluster to answer. */
    private static void createMissing(Admin client, List<NewTopic> topics, Duration timeout) {
        try {
            Set<String> existing = client.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = topics.stream().filter(topic -> !existing.contains(topic.name())).toList();
            if (missing.isEmpty()) {
                return;
            }
            for (var result : client.createTopics(missing).values().entrySet()) {
                try {
                    result.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    log.info("Created topic {}", result.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create topic " + result.getKey(), e.getCause());
                    }
                }
            }
            awaitLeaders(client, missing.stream().map(NewTopic::name).toList(), timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer while creating topics", e);
        }
    }
}
