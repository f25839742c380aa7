package dev.streamworks.common.config;

import dev.streamworks.common.time.PartitionCounts;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The partition counts of a service's input topics, read once with Admin when first asked (the
 * topology is being built): an existing topic has its own, a missing one gets the count
 * {@link TopicCreator} will create it with ({@code streamworks.topics.partitions}).
 */
public final class TopicPartitionCounts implements PartitionCounts {

    private final Supplier<Admin> admin;
    private final List<String> topics;
    private final int forMissing;
    private final Duration timeout;
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();

    public TopicPartitionCounts(Supplier<Admin> admin, List<String> topics, int forMissing, Duration timeout) {
        this.admin = admin;
        this.topics = List.copyOf(topics);
        this.forMissing = forMissing;
        this.timeout = timeout;
    }

    @Override
    public int of(String topic) {
        if (counts.isEmpty()) {
            load();
        }
        return counts.computeIfAbsent(topic, t -> forMissing);
    }

    private synchronized void load() {
        if (!counts.isEmpty()) {
            return;
        }
        try (Admin client = admin.get()) {
            // one request for every input (this is on the path of every start)
            var described = client.describeTopics(topics).topicNameValues();
            for (String topic : topics) {
                counts.put(topic, count(described.get(topic), topic));
            }
        }
    }

    private int count(KafkaFuture<TopicDescription> description, String topic) {
        try {
            return description.get(timeout.toMillis(), TimeUnit.MILLISECONDS).partitions().size();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return forMissing;
            }
            throw new IllegalStateException("Cannot read the partitions of " + topic, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the partitions of " + topic, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + timeout + " about topic " + topic, e);
        }
    }
}
