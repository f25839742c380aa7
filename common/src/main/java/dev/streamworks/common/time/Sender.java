package dev.streamworks.common.time;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.KeyValueMapper;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.charset.StandardCharsets;
import java.util.function.IntPredicate;

/**
 * The last processor before a repartition topic: re-keys each record, stamps it with its channel,
 * read watermark and the sender's watermark ({@link Stamp}), and sends heartbeats (a {@code null}
 * value with a stamp, added to the batch of each partition it is for) so
 * that every receiving partition hears this channel even when no record of it goes there.
 * <ul>
 *   <li>An input stage (first hop) runs in the task of one input partition: its watermark and each
 *       record's read watermark are that partition's stream time (Kafka Streams' partition time, kept
 *       across restarts in the committed offsets' metadata). It remembers the record's input key.</li>
 *   <li>A relay stage (after a receiver) keeps each record's read watermark and sends its task's
 *       merged watermark.</li>
 * </ul>
 * A heartbeat goes only to the partitions that have not heard this channel's watermark by a
 * record: the sender knows where each record goes (the hash of its key, as the producer places it)
 * and what stamp each partition last got. A busy channel that reaches every partition with records
 * sends almost no heartbeats; one that reaches few partitions fills in the rest:
 * <ul>
 *   <li>in event time, every {@code heartbeatEvery} the watermark moves, to each partition whose last
 *       stamp is that much behind (so a backlog's result does not depend on wall-clock time);</li>
 *   <li>in wall-clock time, every {@code heartbeatWall}, to each partition whose last stamp differs
 *       from the current one (watermark, idleness) and that got nothing during that period; and
 *       every ten of them to every partition, so a receiver that restarted (and forgot every
 *       channel) hears them all.</li>
 * </ul>
 * With a local hop ({@link EventTime#send}) the records and heartbeats for the partition this task
 * reads go straight to the receiver of this task (the child {@link EventTime#localNode}), the rest
 * to the repartition topic (the child {@link EventTime#throughNode}): the destination decides, so
 * each (channel, destination) pair has one path and stays in order. The task then reads the
 * repartition topic too, so its stream time is not its input partition's: the sender takes that
 * from each record (the extractor's {@link InternalHeaders#PARTITION_TIME}), and keeps it in a store
 * for the heartbeats it sends after a restart before its first record.
 * <p>
 * What goes through the topic goes in {@link HopBatch batches}: one Kafka record per partition
 * holding, in order, the records and heartbeats sent to it since the last batch, so the per-record
 * cost of producing and consuming is paid per batch (docs/semantics.md, "Batched hop"). A batch is
 * sent when it reaches {@link #BATCH_BYTES}, at each wall-clock heartbeat round, and at every
 * commit ({@link HopBuffer}), so nothing waits across a commit. The receiving side unpacks each
 * batch into the records as they would have arrived one by one.
 */
final class Sender<V, W> implements Processor<String, V, String, W> {

    private final EventTime eventTime;
    private final Stage stage;
    private final KeyValueMapper<String, V, KeyValue<String, W>> mapper;
    private final long heartbeatEveryMs;
    private final long heartbeatWallMs;
    private final long idleTimeoutMs;
    private final boolean idleClose;
    /** With a local hop: the repartition topic's name; {@code null} without. */
    private final String localTopic;
    private final String topic;
    private final Serializer<W> valueSerializer;

    /**
     * A batch is sent once it holds this many bytes; a record larger than this goes alone. Well
     * under the repartition topics' {@code max.message.bytes}, which leaves at least this much room
     * beyond twice a valid input (StreamworksProperties#internalRecordBytes).
     */
    static final int BATCH_BYTES = 64 * 1024;

    private ProcessorContext<String, W> context;
    /** With a local hop: the child for records to other partitions, the child for this one, the stored time. */
    private String throughChild;
    private String localChild;
    private KeyValueStore<Integer, Long> partitionTimes;
    /** With a local hop: this task's input partition's stream time, {@code Long.MIN_VALUE} while unknown. */
    private long partitionTime = Long.MIN_VALUE;
    private int channel;
    private int partition;
    private Watermark clock;
    private long lastRecordWallMs;
    /** What each partition of the repartition topic last heard from this channel, and when (wall clock). */
    private Stamp[] heard;
    private long[] heardAtMs;
    private long lastRoundWm;
    private long lastKeepaliveMs;
    /** The batches being filled for the partitions of the repartition topic. */
    private HopBatch.Packer batches;
    /** To forward at a commit, outside any processor: Kafka Streams' context and this processor's node. */
    private InternalProcessorContext<?, ?> internal;
    private ProcessorNode<?, ?, ?, ?> node;

    /**
     * @param topic      the repartition topic
     * @param localTopic the repartition topic, with a local hop ({@link EventTime#localHop}); else {@code null}
     */
    Sender(EventTime eventTime, Stage stage, KeyValueMapper<String, V, KeyValue<String, W>> mapper, String topic,
           String localTopic, Serializer<W> valueSerializer) {
        this.eventTime = eventTime;
        this.stage = stage;
        this.mapper = mapper;
        this.topic = topic;
        this.localTopic = localTopic;
        this.valueSerializer = valueSerializer;
        EventTimeSettings settings = eventTime.settings();
        this.heartbeatEveryMs = settings.heartbeatEvery().toMillis();
        this.heartbeatWallMs = settings.heartbeatWall().toMillis();
        this.idleTimeoutMs = settings.idleTimeout().toMillis();
        this.idleClose = settings.idleClose();
    }

    @Override
    public void init(ProcessorContext<String, W> context) {
        this.context = context;
        this.partition = context.taskId().partition();
        this.channel = stage.channel(partition);
        this.clock = stage.isInput() ? null : eventTime.watermark(context, stage.clock());
        int targets = eventTime.repartitionPartitions();
        this.heard = new Stamp[targets];
        this.heardAtMs = new long[targets];
        this.lastRoundWm = Long.MIN_VALUE;
        this.lastRecordWallMs = context.currentSystemTimeMs();
        this.lastKeepaliveMs = Long.MIN_VALUE;
        // a task initialized again after a dirty close forgets what it had not sent: that was not committed
        this.batches = new HopBatch.Packer(targets, BATCH_BYTES, this::forwardBatch);
        if (context instanceof InternalProcessorContext<?, ?> kafka && kafka.currentNode() != null) {
            this.internal = kafka;
            this.node = kafka.currentNode(); // set by Kafka Streams around init, as around process
        }
        HopBuffer buffer = context.getStateStore(EventTime.hopBufferStore(topic));
        buffer.onFlush(this::flushAtCommit);
        if (localTopic != null) {
            this.throughChild = EventTime.throughNode(localTopic);
            this.localChild = EventTime.localNode(localTopic);
            this.partitionTimes = context.getStateStore(EventTime.partitionTimeStore(localTopic));
            Long stored = partitionTimes.get(partition);
            this.partitionTime = stored == null ? Long.MIN_VALUE : stored;
        }
        context.schedule(eventTime.settings().heartbeatWall(), PunctuationType.WALL_CLOCK_TIME, this::onWallClock);
    }

    @Override
    public void process(Record<String, V> record) {
        if (stage.isInput() && localTopic != null) {
            readPartitionTime(record.headers(), record.timestamp());
        }
        if (record.value() == null) {
            return; // nothing a stage sends on is null; a heartbeat never gets here (receivers drop them)
        }
        KeyValue<String, W> mapped = mapper.apply(record.key(), record.value());
        Headers headers = InternalHeaders.copy(record.headers());
        // the input partition's time is the stamp's business from here on
        headers.remove(InternalHeaders.PARTITION_TIME);
        long now = context.currentSystemTimeMs();
        long wm;
        Stamp stamp;
        if (stage.isInput()) {
            lastRecordWallMs = now;
            InternalHeaders.rememberOriginKey(headers, record.key());
            wm = partitionTime();
            stamp = Stamp.record(channel, Math.max(wm, record.timestamp()), wm, wm);
        } else {
            wm = clock().get();
            stamp = Stamp.record(channel, Stamp.rwmOf(record.headers(), record.timestamp()), wm, clock().high());
        }
        int target = HeartbeatPartitioner.partitionOf(mapped.key, heard.length);
        Record<String, W> out = new Record<>(mapped.key, mapped.value, record.timestamp(), stamp.writeTo(headers));
        if (localTopic != null && target == partition) {
            context.forward(out, localChild);
        } else if (target >= 0) {
            // a null key (target -1) goes nowhere: the DSL drops it before a repartition topic
            pack(target, out.key(), out.value() == null ? null
                    : valueSerializer.serialize(topic, out.headers(), out.value()), out.timestamp(), out.headers());
        }
        if (target >= 0) {
            heard[target] = stamp;
            heardAtMs[target] = now;
        }
        if (wm != Long.MIN_VALUE && (lastRoundWm == Long.MIN_VALUE || wm - lastRoundWm >= heartbeatEveryMs)) {
            lastRoundWm = wm;
            Stamp current = current(now);
            send(current, now, p -> heard[p] == null || heard[p].wm() == Long.MIN_VALUE
                    || current.wm() - heard[p].wm() >= heartbeatEveryMs);
        }
    }

    private void onWallClock(long now) {
        Stamp current = current(now);
        if (lastKeepaliveMs == Long.MIN_VALUE || now - lastKeepaliveMs >= 10 * heartbeatWallMs) {
            lastKeepaliveMs = now;
            send(current, now, p -> true);
        } else {
            send(current, now, p -> heard[p] == null || news(heard[p], current)
                    && (heard[p].idle() != current.idle() || now - heardAtMs[p] >= heartbeatWallMs));
        }
        // bounds how long a record waits for its batch by the heartbeat period, whatever the commit interval
        batches.flushAll();
    }

    /** Whether {@code current} tells a partition that last heard {@code before} anything new. */
    private static boolean news(Stamp before, Stamp current) {
        return before.wm() != current.wm() || before.idle() != current.idle() || before.advanced() != current.advanced();
    }

    private Stamp current(long now) {
        if (!stage.isInput()) {
            long wm = clock().get();
            return Stamp.heartbeat(channel, wm, clock().high(), false, wm);
        }
        long pst = partitionTime();
        long quiet = now - lastRecordWallMs;
        boolean idle = quiet >= idleTimeoutMs && eventTime.lag().lag(stage.input(), partition) == 0;
        long advanced = idle && idleClose && pst != Long.MIN_VALUE ? pst + quiet : pst;
        return Stamp.heartbeat(channel, pst, pst, idle, advanced);
    }

    /**
     * Sends {@code stamp} as one heartbeat to the partitions {@code to} accepts (none: nothing sent);
     * with a local hop, to this task's own partition straight to its receiver.
     */
    private void send(Stamp stamp, long now, IntPredicate to) {
        long timestamp = Math.max(0, stamp.wm());
        Headers headers = null;
        for (int p = 0; p < heard.length; p++) {
            if (to.test(p)) {
                heard[p] = stamp;
                heardAtMs[p] = now;
                if (localTopic != null && p == partition) {
                    context.forward(new Record<>(String.valueOf(partition), null, timestamp,
                            stamp.writeTo(new RecordHeaders())), localChild);
                } else {
                    headers = headers == null ? stamp.writeTo(new RecordHeaders()) : headers;
                    pack(p, null, null, timestamp, headers);
                }
            }
        }
    }

    /** Adds a record (a heartbeat: a {@code null} value) to the batch of partition {@code target}. */
    private void pack(int target, String key, byte[] value, long timestamp, Headers headers) {
        batches.add(target, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, timestamp, headers);
    }

    /** Sends a batch to partition {@code target}; its key names the partition ({@link HopPartitioner}). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private void forwardBatch(int target, byte[] batch, long timestamp) {
        Record out = new Record<>(Integer.toString(target), batch, timestamp, HopBatch.headers());
        if (localTopic == null) {
            context.forward(out);
        } else {
            context.forward(out, throughChild);
        }
    }

    /**
     * The flush at a commit ({@link HopBuffer}): outside any processor, so this one is made the
     * current node, with a record context of its own (as a punctuation has), then both restored.
     */
    private void flushAtCommit() {
        if (batches.isEmpty()) {
            return;
        }
        if (internal == null) {
            batches.flushAll();
            return;
        }
        ProcessorNode<?, ?, ?, ?> currentNode = internal.currentNode();
        ProcessorRecordContext currentContext = internal.recordContext();
        internal.setCurrentNode(node);
        internal.setRecordContext(new ProcessorRecordContext(context.currentSystemTimeMs(), -1L, -1, null,
                new RecordHeaders()));
        try {
            batches.flushAll();
        } finally {
            internal.setCurrentNode(currentNode);
            internal.setRecordContext(currentContext);
        }
    }

    /**
     * With a local hop, takes the stream time of this task's input partition from the record (the
     * extractor remembered it; a source without it: the largest record time) and keeps it in the
     * store, which commits with the input offsets.
     */
    private void readPartitionTime(Headers headers, long timestamp) {
        long time = InternalHeaders.partitionTime(headers);
        time = time == Long.MIN_VALUE ? Math.max(partitionTime, timestamp) : time;
        if (time != partitionTime) {
            partitionTime = time;
            partitionTimes.put(partition, time);
        }
    }

    /**
     * The stream time of this task's input partition; {@code Long.MIN_VALUE} before its first record.
     * Without a local hop it is the task's, which reads that one partition only (Kafka Streams keeps
     * it across restarts in the committed offsets' metadata).
     */
    private long partitionTime() {
        if (localTopic != null) {
            return partitionTime;
        }
        long time = context.currentStreamTimeMs();
        return time < 0 ? Long.MIN_VALUE : time;
    }

    private Watermark clock() {
        if (!clock.isOpen()) {
            throw new IllegalStateException("stage " + stage.name() + " relays records, but task " + context.taskId()
                    + " has no receiver of that name before it");
        }
        return clock;
    }
}
