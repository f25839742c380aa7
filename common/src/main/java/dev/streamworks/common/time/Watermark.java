package dev.streamworks.common.time;

import org.apache.kafka.streams.processor.TaskId;

/**
 * The watermark of one receiver in one task, as the processors after it read it (made in their
 * {@code init}, read per record): the receiver's {@link ChannelWatermarks}, looked up once it is open.
 */
public final class Watermark {

    private final EventTime eventTime;
    private final TaskId task;
    private final String receiver;
    private ChannelWatermarks clock;

    Watermark(EventTime eventTime, TaskId task, String receiver) {
        this.eventTime = eventTime;
        this.task = task;
        this.receiver = receiver;
    }

    /** The watermark, {@code Long.MIN_VALUE} while unknown. */
    public long get() {
        ChannelWatermarks watermarks = resolve();
        return watermarks == null ? Long.MIN_VALUE : watermarks.watermark();
    }

    /** The largest input partition stream time heard of, {@code Long.MIN_VALUE} while unknown. */
    long high() {
        ChannelWatermarks watermarks = resolve();
        return watermarks == null ? Long.MIN_VALUE : watermarks.high();
    }

    boolean isOpen() {
        return resolve() != null;
    }

    private ChannelWatermarks resolve() {
        if (clock == null) {
            clock = eventTime.clock(task, receiver);
        }
        return clock;
    }
}
