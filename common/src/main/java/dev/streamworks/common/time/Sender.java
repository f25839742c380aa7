package dev.streamworks.common.time;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.KeyValueMapper;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The last processor before a repartition topic: re-keys each record, stamps it with its channel,
 * read watermark and the sender's watermark ({@link Stamp}), and sends heartbeats (a {@code null}
 * value with a stamp, multicast to every partition by {@link HeartbeatPartitioner}) so that every
 * receiving partition hears this channel even when no record of it goes there.
 * <ul>
 *   <li>An input stage (first hop) runs in the task of one input partition: its watermark and each
 *       record's read watermark are that partition's stream time (Kafka Streams' partition time, kept
 *       across restarts in the committed offsets' metadata). It remembers the record's input key.</li>
 *   <li>A relay stage (after a receiver) keeps each record's read watermark and sends its task's
 *       merged watermark.</li>
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
    private Stamp lastHeartbeat;
    private long lastHeartbeatWallMs;

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
        this.lastHeartbeat = null;
        this.lastRecordWallMs = context.currentSystemTimeMs();
        this.lastHeartbeatWallMs = Long.MIN_VALUE;
        context.schedule(eventTime.settings().heartbeatWall(), PunctuationType.WALL_CLOCK_TIME, this::onWallClock);
    }

    @Override
    public void process(Record<String, V> record) {
        if (record.value() == null) {
            return; // nothing a stage sends on is null; a heartbeat never gets here (receivers drop them)
        }
        KeyValue<String, W> mapped = mapper.apply(record.key(), record.value());
        Headers headers = InternalHeaders.copy(record.headers());
        long wm;
        Stamp stamp;
        if (stage.isInput()) {
            lastRecordWallMs = context.currentSystemTimeMs();
            InternalHeaders.rememberOriginKey(headers, record.key());
            wm = partitionTime();
            stamp = Stamp.record(channel, Math.max(wm, record.timestamp()), wm, wm);
        } else {
            wm = clock().get();
            stamp = Stamp.record(channel, Stamp.rwmOf(record.headers(), record.timestamp()), wm, clock().high());
        }
        context.forward(new Record<>(mapped.key, mapped.value, record.timestamp(), stamp.writeTo(headers)));
        if (lastHeartbeat == null || lastHeartbeat.wm() == Long.MIN_VALUE || wm - lastHeartbeat.wm() >= heartbeatEveryMs) {
            heartbeat(context.currentSystemTimeMs());
        }
    }

    private void onWallClock(long now) {
        Stamp next = current(now);
        // while anything changes, at least every heartbeat-wall; else every 10 of them, to keep
        // receivers that restarted (and forgot every channel) informed
        boolean changed = lastHeartbeat == null || next.wm() != lastHeartbeat.wm() || next.idle() != lastHeartbeat.idle()
                || next.advanced() != lastHeartbeat.advanced();
        if (changed || now - lastHeartbeatWallMs >= 10 * heartbeatWallMs) {
            send(next, now);
        }
    }

    private void heartbeat(long now) {
        send(current(now), now);
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

    private void send(Stamp stamp, long now) {
        lastHeartbeat = stamp;
        lastHeartbeatWallMs = now;
        Headers headers = stamp.writeTo(new RecordHeaders());
        context.forward(new Record<>(HeartbeatPartitioner.HEARTBEAT_KEY, null, Math.max(0, stamp.wm()), headers));
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
