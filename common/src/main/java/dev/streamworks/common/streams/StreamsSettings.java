package dev.streamworks.common.streams;

import dev.streamworks.common.config.StreamworksProperties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The Kafka Streams settings every service runs with, in one place so the Spring wiring and the
 * topology tests use the same ones: processing guarantee, the dead-letter queue and its handlers,
 * explicit naming of every internal topic and store, state directory and bounded RocksDB memory,
 * static membership.
 */
public final class StreamsSettings {

    /** The producer's batch size under exactly-once. */
    static final int EXACTLY_ONCE_BATCH_BYTES = 256 * 1024;

    /** How long the restore consumer's fetch waits at the broker for records that are not there yet. */
    static final int RESTORE_FETCH_MAX_WAIT_MS = 100;

    /** How often a stream thread's consumer heartbeats, and so learns that its group rebalances. */
    static final int HEARTBEAT_INTERVAL_MS = 500;

    /** The main consumer's first retry backoff, which is also the pause between checks of new internal topics. */
    static final int MAIN_CONSUMER_RETRY_BACKOFF_MS = 10;

    /**
     * How often a service commits while its inputs are caught up: Kafka Streams' commit interval
     * under at-least-once, the pacing's under exactly-once ({@link CommitPacing}).
     */
    public static final Duration LIVE_COMMIT_INTERVAL = Duration.ofMillis(100);

    /** Kafka Streams' commit interval under exactly-once: the one while catching up ({@link CommitPacing}). */
    static final int CATCH_UP_COMMIT_INTERVAL_MS = 1000;

    /** The producer's first retry backoff under exactly-once (see {@link #of}). */
    static final int PRODUCER_RETRY_BACKOFF_MS = 10;

    private StreamsSettings() {
    }

    /**
     * One stream thread per processor the JVM sees (in a container: its CPU limit), instead of Kafka
     * Streams' one: a thread runs its tasks one record at a time, and one thread was the bottleneck of
     * clicks-per-product on two cores (BENCHMARKS.md, "Two stream threads": 24 % faster drain, 10,000
     * events/s held live where one thread fell behind). At most one per partition of the topics the
     * service creates: threads beyond the tasks of a sub-topology would idle, each with its own
     * consumer, producer and group membership.
     */
    static int streamThreads(StreamworksProperties props, int processors) {
        return Math.max(1, Math.min(processors, props.topics().partitions()));
    }

    public static Map<String, Object> of(StreamworksProperties props, String applicationId,
                                         DeadLetterListener deadLetters) {
        Map<String, Object> config = new HashMap<>();
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, props.guarantee().config());
        config.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.deadLetter(applicationId));
        config.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandlers.Deserialization.class);
        config.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandlers.Processing.class);
        config.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandlers.Production.class);
        config.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        config.put(DeadLetterListener.CONFIG, deadLetters);
        // a store or repartition topic with a generated name would silently lose its state the
        // day the topology changes shape; refuse to start instead (KIP-1111)
        config.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        config.put(StreamsConfig.STATE_DIR_CONFIG, props.stateDirOrDefault());
        // a task reading several partitions processes what it has instead of waiting to order
        // records by timestamp across them: results never depend on that order (docs/semantics.md,
        // section 1: lateness from each record's own read watermark, windows closed by the channel
        // watermarks), and the wait costs Kafka 4.4 a String.format per empty partition per poll
        config.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads(props, Runtime.getRuntime().availableProcessors()));
        // start-up: a stateful task runs once the state updater has read its changelogs to their end,
        // and a fetch of a changelog with nothing (more) to read waits fetch.max.wait.ms (500 ms by
        // default) at the broker; the state updater takes a start's tasks in several rounds, each
        // waiting that long for empty changelogs (iot, first start: 0.5 s per round, three rounds).
        // Standby replicas fetch with it too: an idle one now asks ten times a second
        config.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG),
                RESTORE_FETCH_MAX_WAIT_MS);
        // a rebalance waits for every member to rejoin, and a member learns of it from its next
        // heartbeat (every 3 s by default): with two stream threads, the second rebalance of a first
        // start (Kafka Streams creates the repartition topics in the first, which changes the metadata
        // the group was assigned with) waited up to 2.5 s for the other thread. Still far below the
        // session timeout, which decides when a silent member is dropped
        config.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), HEARTBEAT_INTERVAL_MS);
        // on a first start the group leader creates the internal topics (changelogs, repartitions)
        // and waits until they are ready, checking again after the main consumer's retry.backoff.ms
        // (100 ms); each check found about one more topic ready, so clickstream's 28 new internal
        // topics held its first assignment 2.5 s. The client's own retries still back off
        // exponentially from it, up to retry.backoff.max.ms
        config.put(StreamsConfig.mainConsumerPrefix(CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG),
                MAIN_CONSUMER_RETRY_BACKOFF_MS);
        if (props.rocksdb().totalMemory() != null) {
            // opt-in: the bench measured a 128 MB pool costing 3 to 6 times the exactly-once drain
            // rate (memtables flushed far more often); size it to the state, not below it
            config.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
            config.put(BoundedRocksDbMemory.TOTAL_BYTES_CONFIG, props.rocksdb().totalMemory().toBytes());
            config.put(BoundedRocksDbMemory.MEMTABLE_SHARE_CONFIG, props.rocksdb().memtableShare());
        }
        // a commit flushes the record caches (update-mode outputs): every 100 ms, not every 30 s as
        // Kafka's default under at-least-once; exactly-once paces its commits below
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, (int) LIVE_COMMIT_INTERVAL.toMillis());
        if (props.guarantee() == StreamworksProperties.Guarantee.EXACTLY_ONCE_V2) {
            // nothing a transaction writes is visible before its commit, which flushes the producer,
            // so batches may hold a commit interval's records: fewer, larger batches cost the
            // service and the broker less per record (bench: iot drain 16.4 -> 13.1 CPU s per M
            // events). Not under at-least-once, where a batch that does not fill waits linger.ms.
            config.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), EXACTLY_ONCE_BATCH_BYTES);
            // KIP-892: writes of a transaction stay out of the stores until it commits, so a crash
            // (kill -9, OOM, node loss) no longer wipes the local RocksDB state and restores it
            // whole from the changelogs: the instance resumes from its last commit
            config.put(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG, true);
            // a transaction's first write to a partition is refused with CONCURRENT_TRANSACTIONS while
            // the coordinator still writes the previous transaction's markers (transactions v2 adds the
            // partition with the produce request itself), usually for a few milliseconds; the producer
            // retries after retry.backoff.ms (100 ms by default, doubling per attempt), and the commit
            // waits for it: bench, iot 1M drain on a loaded machine, 1,031 records retried and 11.5 s of
            // producer flush time over the drain's 241 commits in one run. The retries still back off
            // exponentially from it, up to retry.backoff.max.ms
            config.put(StreamsConfig.producerPrefix(CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG),
                    PRODUCER_RETRY_BACKOFF_MS);
            // commits paced by the backlog (CommitPacing): each task asks for one every live interval
            // (streamworks.commit.live-interval, 100 ms) while the inputs are caught up, and the
            // thread commits only every commit.interval.ms while they hold a backlog
            config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, CATCH_UP_COMMIT_INTERVAL_MS);
            config.put(StreamsConfig.PROCESSOR_WRAPPER_CLASS_CONFIG, CommitPacing.class);
        }
        if (props.standbyReplicas() != null) {
            // warm copies of each task's state on other instances: a failover resumes at once
            // instead of restoring the state from the changelogs
            config.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, props.standbyReplicas());
        }
        // a rejected input plus its error headers must fit in one request to the DLQ, and a valid one
        // with its parsed form in one request to a repartition topic; at start the service raises
        // this to what its inputs accept (StreamworksConfiguration, TopicCreator#prepare)
        config.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                Math.max(props.recordBytes(0), props.internalRecordBytes()));
        config.put(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), props.internalRecordBytes());
        // internal topics (changelogs, repartitions) as durable as the topics the service creates
        config.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) props.topics().replicationFactor());
        if (props.topics().minInsyncReplicas() != null) {
            config.put(StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG),
                    props.topics().minInsyncReplicas());
        }
        if (props.instanceId() != null && !props.instanceId().isBlank()) {
            config.put(CommonClientConfigs.GROUP_INSTANCE_ID_CONFIG, props.instanceId());
        }
        return config;
    }
}
