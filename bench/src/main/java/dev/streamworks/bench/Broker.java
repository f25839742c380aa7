package dev.streamworks.bench;

import dev.streamworks.devstack.Devstack;
import dev.streamworks.localkafka.LocalKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The broker of one run: a fresh in-process KRaft broker on a free port with its own data
 * directory (so runs share no state), or an external one whose bench topics and groups are
 * deleted first.
 */
final class Broker implements AutoCloseable {

    private final LocalKafka local;
    private final Path dataDir;
    private final String bootstrapServers;
    private final Admin admin;

    private Broker(LocalKafka local, Path dataDir, String bootstrapServers) {
        this.local = local;
        this.dataDir = dataDir;
        this.bootstrapServers = bootstrapServers;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    static Broker start(String external, Pipeline pipeline) throws Exception {
        if (external != null) {
            Broker broker = new Broker(null, null, external);
            broker.reset(pipeline);
            return broker;
        }
        Path dir = Files.createTempDirectory("bench-kafka-");
        LocalKafka kafka = LocalKafka.start(0, dir, Devstack.LOCAL_BROKER);
        return new Broker(kafka, dir, kafka.bootstrapServers());
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** Deletes what an earlier run left on an external broker: the pipeline's topics, internal topics, group. */
    private void reset(Pipeline pipeline) throws Exception {
        Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        List<String> doomed = existing.stream().filter(topic -> pipeline.topicsToReset().contains(topic)
                || topic.startsWith(pipeline.applicationId() + "-") || topic.startsWith(pipeline.applicationId() + "."))
                .toList();
        if (!doomed.isEmpty()) {
            admin.deleteTopics(doomed).all().get(60, TimeUnit.SECONDS);
        }
        try {
            admin.deleteConsumerGroups(List.of(pipeline.applicationId())).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                throw e;
            }
        }
        // topic deletion is asynchronous: wait until the names are gone before re-creating them
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Set<String> now = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            if (doomed.stream().noneMatch(now::contains)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("topics were not deleted: " + doomed);
    }

    void createTopic(String topic, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    /**
     * Whether the group has committed offsets at the end of every partition it consumes: the
     * input topic and the application's internal repartition topics. Under exactly-once the
     * offsets are committed in the transaction that writes the outputs, so from then on every
     * output of those records is visible to read_committed readers; under at-least-once they are
     * committed after the outputs were acknowledged. Returns the offsets not yet committed, of the input
     * topic and in total (0: done).
     */
    record Behind(long input, long total) {
    }

    Behind uncommitted(String groupId, String inputTopic) throws Exception {
        Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                .filter(t -> t.equals(inputTopic) || (t.startsWith(groupId + "-") && t.endsWith("-repartition")))
                .collect(Collectors.toSet());
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, description) ->
                description.partitions().forEach(p -> request.put(new TopicPartition(name, p.partition()),
                        OffsetSpec.latest())));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends;
        try {
            ends = admin.listOffsets(request).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return new Behind(Long.MAX_VALUE, Long.MAX_VALUE);
            }
            throw e;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        long input = 0;
        long total = 0;
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end : ends.entrySet()) {
            OffsetAndMetadata offset = committed.get(end.getKey());
            long behind = Math.max(0, end.getValue().offset() - (offset == null ? 0 : offset.offset()));
            total += behind;
            if (end.getKey().topic().equals(inputTopic)) {
                input += behind;
            }
        }
        return new Behind(input, total);
    }

    /**
     * Records the application wrote per input event, by kind of topic: its repartition topics,
     * its changelog topics, and everything else but the input and the broker's own topics (the
     * outputs, late and dead-letter topics), and per changelog topic (by store name). Read from end
     * offsets, so under exactly-once each partition's figure includes one transaction marker per
     * transaction that wrote to it.
     */
    record Writes(double repartition, double changelog, double other, SortedMap<String, Double> perStore) {

        double total() {
            return repartition + changelog + other;
        }
    }

    Writes writesPerEvent(String applicationId, String inputTopic, long events) throws Exception {
        Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                .filter(t -> !t.equals(inputTopic) && !t.startsWith("__"))
                .collect(Collectors.toSet());
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, description) ->
                description.partitions().forEach(p -> request.put(new TopicPartition(name, p.partition()),
                        OffsetSpec.latest())));
        long repartition = 0;
        long changelog = 0;
        long other = 0;
        SortedMap<String, Long> perStore = new TreeMap<>();
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end
                : admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).entrySet()) {
            String topic = end.getKey().topic();
            long offset = end.getValue().offset();
            if (topic.startsWith(applicationId + "-") && topic.endsWith("-repartition")) {
                repartition += offset;
            } else if (topic.startsWith(applicationId + "-") && topic.endsWith("-changelog")) {
                changelog += offset;
                String store = topic.substring(applicationId.length() + 1, topic.length() - "-changelog".length());
                perStore.merge(store, offset, Long::sum);
            } else {
                other += offset;
            }
        }
        double n = events;
        SortedMap<String, Double> storesPerEvent = new TreeMap<>();
        perStore.forEach((store, records) -> storesPerEvent.put(store, records / n));
        return new Writes(repartition / n, changelog / n, other / n, storesPerEvent);
    }

    @Override
    public void close() throws Exception {
        admin.close();
        if (local != null) {
            local.close();
            ServiceProcess.deleteTree(dataDir);
        }
    }
}
