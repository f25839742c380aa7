package dev.streamworks.common.time;

import org.apache.kafka.streams.processor.TaskId;

/**
 * A {@link Clock} as the processors of one task read it (made in their {@code init}, read per
 * record): over the receiver's {@link ChannelWatermarks}, looked up once it is open, and never
 * moving backwards.
 */
public final class Watermark {

    private final EventTime eventTime;
    private final TaskId task;
    private final Clock clock;
    private final boolean everyChannel;
    private ChannelWatermarks channels;
    private long value = Long.MIN_VALUE;

    Watermark(EventTime eventTime, TaskId task, Clock clock) {
        this.eventTime = eventTime;
        this.task = task;
        this.clock = clock;
        this.everyChannel = clock.stages().length == 0;
    }

    /** The watermark, {@code Long.MIN_VALUE} while unknown. */
    public long get() {
        ChannelWatermarks watermarks = resolve();
        if (watermarks == null) {
            return Long.MIN_VALUE;
        }
        long candidate = everyChannel ? watermarks.watermark() : watermarks.candidate(clock);
        if (candidate > value) {
            value = candidate;
        }
        return value;
    }

    /** The largest input partition stream time heard of, {@code Long.MIN_VALUE} while unknown. */
    long high() {
        ChannelWatermarks watermarks = resolve();
        return watermarks == null ? Long.MIN_VALUE : everyChannel ? watermarks.high() : watermarks.high(clock);
    }

    boolean isOpen() {
        return resolve() != null;
    }

    private ChannelWatermarks resolve() {
        if (channels == null) {
            channels = eventTime.clock(task, clock.receiver());
        }
        return channels;
    }
}
