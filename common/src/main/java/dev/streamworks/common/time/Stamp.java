package dev.streamworks.common.time;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.ByteBuffer;

/**
 * What a record written to a repartition topic carries about event time, in the header
 * {@link #HEADER} (docs/semantics.md): the channel it came through, the read watermark that decides
 * its lateness, and the sender's watermark that lets the receiver close windows.
 *
 * @param channel   the stage that sent it and that stage's partition ({@link Stage#channel})
 * @param rwm       the stream time of the input partition the record was read from, taken when it
 *                  was read ({@code Long.MIN_VALUE} on a heartbeat); never changes after the first hop
 * @param wm        the sender's watermark: at the first hop the input partition's stream time, later
 *                  the sender task's merged watermark ({@code Long.MIN_VALUE} while unknown)
 * @param high      the largest input partition stream time behind the sender (for the skew gauge)
 * @param idle      the sender's input partition delivered nothing for the idle timeout, with no lag
 * @param heartbeat a marker record carrying only this stamp, dropped by the receiver
 * @param advanced  the watermark an idle channel offers when every channel is idle and idle-close
 *                  is on: its stream time moved on by the wall-clock time since its last record
 */
public record Stamp(int channel, long rwm, long wm, long high, boolean idle, boolean heartbeat, long advanced) {

    /** Internal header: never written to a topic outside the service's own repartition topics. */
    public static final String HEADER = InternalHeaders.PREFIX + "time";

    private static final int SIZE = 4 + 8 * 4 + 1;
    private static final int IDLE = 1;
    private static final int HEARTBEAT = 2;

    public static Stamp record(int channel, long rwm, long wm, long high) {
        return new Stamp(channel, rwm, wm, high, false, false, wm);
    }

    public static Stamp heartbeat(int channel, long wm, long high, boolean idle, long advanced) {
        return new Stamp(channel, Long.MIN_VALUE, wm, high, idle, true, advanced);
    }

    byte[] toBytes() {
        return ByteBuffer.allocate(SIZE).putInt(channel).putLong(rwm).putLong(wm).putLong(high).putLong(advanced)
                .put((byte) ((idle ? IDLE : 0) | (heartbeat ? HEARTBEAT : 0))).array();
    }

    static Stamp fromBytes(byte[] bytes) {
        if (bytes == null || bytes.length != SIZE) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int channel = in.getInt();
        long rwm = in.getLong();
        long wm = in.getLong();
        long high = in.getLong();
        long advanced = in.getLong();
        byte flags = in.get();
        return new Stamp(channel, rwm, wm, high, (flags & IDLE) != 0, (flags & HEARTBEAT) != 0, advanced);
    }

    /** The stamp in {@code headers}, or {@code null} when there is none (a record of an older version). */
    public static Stamp of(Headers headers) {
        Header header = headers.lastHeader(HEADER);
        return header == null ? null : fromBytes(header.value());
    }

    /** The read watermark of a record: from its stamp, or its own timestamp (event time) without one. */
    public static long rwmOf(Headers headers, long timestamp) {
        Stamp stamp = of(headers);
        return stamp == null || stamp.heartbeat() ? timestamp : Math.max(stamp.rwm(), timestamp);
    }

    /** {@code headers} with this stamp in place of any earlier one. */
    Headers writeTo(Headers headers) {
        headers.remove(HEADER);
        headers.add(HEADER, toBytes());
        return headers;
    }
}
