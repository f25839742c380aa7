package dev.streamworks.common.time;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The first processor after a repartition topic: takes every stamp into its task's
 * {@link ChannelWatermarks}, drops heartbeats and forwards records unchanged (their stamp, and
 * with it their read watermark, travels on). The channel watermarks live in memory only: after a
 * restart the task's watermark is unknown until every channel has been heard again (within a
 * heartbeat), which only delays closing windows; which records a window counts depends on the
 * read watermarks, never on when the window closed.
 */
final class Receiver<V> implements Processor<String, V, String, V> {

    private final EventTime eventTime;
    private final String name;
    private final Stage[] stages;
    private ProcessorContext<String, V> context;
    private ChannelWatermarks clock;

    Receiver(EventTime eventTime, String name, Stage[] stages) {
        this.eventTime = eventTime;
        this.name = name;
        this.stages = stages;
    }

    @Override
    public void init(ProcessorContext<String, V> context) {
        this.context = context;
        this.clock = eventTime.openClock(context.taskId(), name, stages);
    }

    @Override
    public void process(Record<String, V> record) {
        Stamp stamp = Stamp.of(record.headers());
        if (stamp != null) {
            clock.update(stamp);
        }

        if (record.value() != null) {
            context.forward(record);
        }
    }

    @Override
    public void close() {
        eventTime.closeClock(context.taskId(), name, clock);
    }
}
