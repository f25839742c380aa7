package dev.streamworks.common.ops;

import dev.streamworks.common.time.LagProbe;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The lag of each input partition behind the service's consumer group, read with Admin every
 * second on a thread of its own (never on a stream thread): the partition's end offset minus what
 * the group has committed (or its start offset, for a partition nothing was ever read from).
 * The consumer's own {@code records-lag} metric would not do: the consumer records it only for
 * partitions that returned records, so an input partition that stays empty would never count as
 * caught up, and never as idle. Until the first reading, every lag is unknown (negative).
 */
public final class ConsumerLag implements LagProbe, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConsumerLag.class);

    private final Supplier<Admin> admins;
    private final String groupId;
    private final List<String> topics;
    private final Duration every;
    private volatile Map<String, Long> lags = Map.of();
    private ScheduledExecutorService scheduler;
    private Admin admin;
    private List<TopicPartition> partitions = List.of();

    public ConsumerLag(Supplier<Admin> admins, String groupId, List<String> topics, Duration every) {
        this.admins = admins;
        this.groupId = groupId;
        this.topics = List.copyOf(topics);
        this.every = every;
    }

    @Override
    public long lag(String topic, int partition) {
        return lags.getOrDefault(topic + "-" + partition, -1L);
    }

    /**
     * The records the inputs hold beyond what the group committed, over every input partition, as
     * last read; negative until the first reading.
     */
    public long total() {
        Map<String, Long> current = lags;
        return current.isEmpty() ? -1 : current.values().stream().mapToLong(Long::longValue).sum();
    }

    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "streamworks-input-lag");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::refresh, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
    }

    private void refresh() {
        try {
            lags = read();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.debug("Could not read the lag of the inputs; trying again in {}", every, e);
            partitions = List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Map<String, Long> read() throws ExecutionException, InterruptedException, TimeoutException {
        if (admin == null) {
            admin = admins.get();
        }
        long timeout = Math.max(every.toMillis() * 5, 5_000);
        if (partitions.isEmpty()) {
            partitions = admin.describeTopics(topics).allTopicNames().get(timeout, TimeUnit.MILLISECONDS).values()
                    .stream().flatMap(topic -> partitionsOf(topic).stream()).toList();
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = offsets(OffsetSpec.latest(), timeout);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = offsets(OffsetSpec.earliest(), timeout);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get(timeout, TimeUnit.MILLISECONDS);
        Map<String, Long> result = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata done = committed.get(partition);
            long from = Math.max(starts.get(partition).offset(), done == null ? 0 : done.offset());
            result.put(partition.topic() + "-" + partition.partition(), Math.max(0, ends.get(partition).offset() - from));
        }
        return result;
    }

    private Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets(OffsetSpec spec, long timeout)
            throws ExecutionException, InterruptedException, TimeoutException {
        return admin.listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(), p -> spec)))
                .all().get(timeout, TimeUnit.MILLISECONDS);
    }

    private static List<TopicPartition> partitionsOf(TopicDescription topic) {
        return topic.partitions().stream().map(info -> new TopicPartition(topic.name(), info.partition())).toList();
    }
}
