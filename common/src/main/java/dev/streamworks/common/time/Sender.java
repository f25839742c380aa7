package dev.streamworks.common.time;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.KeyValueMapper;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.util.function.IntPredicate;

/**
 * The last processor before a repartition topic: re-keys each record, stamps it with its channel,
 * read watermark and the sender's watermark ({@link Stamp}), and sends heartbeats (a {@code null}
 * value with a stamp, multicast by {@link HeartbeatPartitioner} to the partitions its key names) so
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
 */
final class Sender<V, W> implements Processor<String, V, String, W> {

    private final EventTime eventTime;
    private final Stage stage;
    private final KeyValueMapper<String, V, KeyValue<String, W>> mapper;
    private final long heartbeatEveryMs;
    private final long heartbeatWallMs;
    private final long idleTimeoutMs;
    private final boolean idleClose;

    private ProcessorContext<String, W> context;
    private int channel;
    private int partition;
    private Watermark clock;
    private long lastRecordWallMs;
    /** What each partition of the repartition topic last heard from this channel, and when (wall clock). */
    private Stamp[] heard;
    private long[] heardAtMs;
    private long lastRoundWm;
    private long lastKeepaliveMs;

    Sender(EventTime eventTime, Stage stage, KeyValueMapper<String, V, KeyValue<String, W>> mapper) {
        this.eventTime = eventTime;
        this.stage = stage;
        this.mapper = mapper;
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
        context.schedule(eventTime.settings().heartbeatWall(), PunctuationType.WALL_CLOCK_TIME, this::onWallClock);
    }

    @Override
    public void process(Record<String, V> record) {
        if (record.value() == null) {
            return; // nothing a stage sends on is null; a heartbeat never gets here (receivers drop them)
        }
        KeyValue<String, W> mapped = mapper.apply(record.key(), record.value());
        Headers headers = InternalHeaders.copy(record.headers());
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
        context.forward(new Record<>(mapped.key, mapped.value, record.timestamp(), stamp.writeTo(headers)));
        int target = HeartbeatPartitioner.partitionOf(mapped.key, heard.length);
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

    /** Sends {@code stamp} as one heartbeat to the partitions {@code to} accepts (none: nothing sent). */
    private void send(Stamp stamp, long now, IntPredicate to) {
        StringBuilder targets = new StringBuilder();
        int count = 0;
        for (int p = 0; p < heard.length; p++) {
            if (to.test(p)) {
                targets.append(count++ == 0 ? "" : ",").append(p);
                heard[p] = stamp;
                heardAtMs[p] = now;
            }
        }
        if (count == 0) {
            return;
        }
        String key = count == heard.length ? HeartbeatPartitioner.EVERY_PARTITION : targets.toString();
        Headers headers = stamp.writeTo(new RecordHeaders());
        context.forward(new Record<>(key, null, Math.max(0, stamp.wm()), headers));
    }

    /** The stream time of this task's one input partition; {@code Long.MIN_VALUE} before its first record. */
    private long partitionTime() {
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
