package dev.streamworks.common.time;

import dev.streamworks.common.streams.Window;

import java.time.Duration;

/**
 * Epoch-aligned tumbling ({@code advance == size}) or hopping windows of event time, with their
 * grace period (the course's watermark delay).
 */
public record Windows(long sizeMs, long advanceMs, long graceMs) {

    public Windows {
        if (sizeMs <= 0 || advanceMs <= 0 || advanceMs > sizeMs || sizeMs % advanceMs != 0 || graceMs < 0) {
            throw new IllegalArgumentException("windows need 0 < advance <= size, advance dividing size, grace >= 0: size "
                    + sizeMs + " ms, advance " + advanceMs + " ms, grace " + graceMs + " ms");
        }
    }

    public static Windows tumbling(Duration size, Duration grace) {
        return new Windows(size.toMillis(), size.toMillis(), grace.toMillis());
    }

    public static Windows hopping(Duration size, Duration advance, Duration grace) {
        return new Windows(size.toMillis(), advance.toMillis(), grace.toMillis());
    }

    /** Starts of the windows holding {@code timestampMs}, oldest first. */
    public long[] startsOf(long timestampMs) {
        long last = alignDown(timestampMs);
        int n = (int) (sizeMs / advanceMs);
        long[] starts = new long[n];
        for (int i = 0; i < n; i++) {
            starts[i] = last - (long) (n - 1 - i) * advanceMs;
        }
        return starts;
    }

    /** The latest window start at or before {@code timestampMs}. */
    public long alignDown(long timestampMs) {
        return Math.floorDiv(timestampMs, advanceMs) * advanceMs;
    }

    /** Whether a record read at {@code rwm} is late for the window starting at {@code start}. */
    public boolean isLate(long start, long rwm) {
        return start + sizeMs + graceMs <= rwm;
    }

    /**
     * The start of the youngest window the watermark {@code wm} has closed ({@code end + grace <= wm}),
     * or {@code Long.MIN_VALUE} when {@code wm} is unknown.
     */
    public long lastClosedStart(long wm) {
        return wm == Long.MIN_VALUE ? Long.MIN_VALUE : alignDown(wm - graceMs - sizeMs);
    }

    public Window window(long start) {
        return Window.ofMillis(start, start + sizeMs);
    }
}
