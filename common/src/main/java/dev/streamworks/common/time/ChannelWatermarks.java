package dev.streamworks.common.time;

import java.util.Arrays;

/**
 * The watermark of one receiving task, from the watermarks of the channels that feed it (Flink's
 * {@code StatusWatermarkValve}; the rule of docs/semantics.md):
 * <ul>
 *   <li>nothing is known until every expected channel has been heard from;</li>
 *   <li>then the watermark is the minimum over the channels that are not idle;</li>
 *   <li>when every channel is idle, the largest channel watermark, or with idle-close the largest
 *       wall-clock-advanced one;</li>
 *   <li>it never moves backwards.</li>
 * </ul>
 * Each channel's watermark only grows (the maximum of what it sent). A channel that reports
 * itself idle and later sends again rejoins at once. Plain Java, one instance per task, used from
 * the task's stream thread; {@link #watermark()} and {@link #skew()} may be read from another.
 */
public final class ChannelWatermarks {

    private final boolean idleClose;
    private final int[] stageIds;
    private final int[] offsets;
    private final int[] widths;
    private final boolean[] heard;
    private final boolean[] idle;
    private final long[] wm;
    private final long[] high;
    private final long[] advanced;
    private int unheard;
    private volatile long watermark = Long.MIN_VALUE;
    private volatile long skew;
    private volatile long maxHigh = Long.MIN_VALUE;

    /**
     * @param stageIds  the stages that feed the task
     * @param widths    the number of channels (partitions) of each
     * @param idleClose with every channel idle, advance with the wall clock ({@code streamworks.idle-close})
     */
    public ChannelWatermarks(int[] stageIds, int[] widths, boolean idleClose) {
        if (stageIds.length != widths.length || stageIds.length == 0) {
            throw new IllegalArgumentException("one width per stage, at least one stage");
        }
        this.idleClose = idleClose;
        this.stageIds = stageIds.clone();
        this.widths = widths.clone();
        this.offsets = new int[stageIds.length];
        int total = 0;
        for (int i = 0; i < stageIds.length; i++) {
            offsets[i] = total;
            total += widths[i];
        }
        this.heard = new boolean[total];
        this.idle = new boolean[total];
        this.wm = new long[total];
        this.high = new long[total];
        this.advanced = new long[total];
        Arrays.fill(wm, Long.MIN_VALUE);
        Arrays.fill(high, Long.MIN_VALUE);
        Arrays.fill(advanced, Long.MIN_VALUE);
        this.unheard = total;
    }

    /**
     * Takes what a channel sent. Unknown channels (a stage this task does not expect, a partition
     * beyond the expected count) are ignored: they cannot be counted on to keep reporting.
     *
     * @return whether the watermark moved
     */
    public boolean update(Stamp stamp) {
        int slot = slot(stamp.channel());
        if (slot < 0) {
            return false;
        }
        if (!heard[slot]) {
            heard[slot] = true;
            unheard--;
        }
        wm[slot] = Math.max(wm[slot], stamp.wm());
        high[slot] = Math.max(high[slot], stamp.high());
        // a record is activity: only a heartbeat can say its channel is idle
        idle[slot] = stamp.heartbeat() && stamp.idle();
        advanced[slot] = Math.max(advanced[slot], Math.max(stamp.advanced(), stamp.wm()));
        return recompute();
    }

    private int slot(int channel) {
        int stage = Stage.stageOf(channel);
        int partition = Stage.partitionOf(channel);
        for (int i = 0; i < stageIds.length; i++) {
            if (stageIds[i] == stage) {
                return partition < widths[i] ? offsets[i] + partition : -1;
            }
        }
        return -1;
    }

    private boolean recompute() {
        if (unheard > 0) {
            return false;
        }
        boolean anyActive = false;
        long minActive = Long.MAX_VALUE;
        long maxWm = Long.MIN_VALUE;
        long maxAdvanced = Long.MIN_VALUE;
        long highest = Long.MIN_VALUE;
        long minKnown = Long.MAX_VALUE;
        for (int i = 0; i < wm.length; i++) {
            if (!idle[i]) {
                anyActive = true;
                minActive = Math.min(minActive, wm[i]);
            }
            if (wm[i] != Long.MIN_VALUE) {
                minKnown = Math.min(minKnown, wm[i]);
            }
            maxWm = Math.max(maxWm, wm[i]);
            maxAdvanced = Math.max(maxAdvanced, advanced[i]);
            highest = Math.max(highest, high[i]);
        }
        long candidate = anyActive ? minActive : idleClose ? maxAdvanced : maxWm;
        maxHigh = highest;
        skew = minKnown == Long.MAX_VALUE || highest == Long.MIN_VALUE ? 0 : Math.max(0, highest - minKnown);
        if (candidate > watermark) {
            watermark = candidate;
            return true;
        }
        return false;
    }

    /** The watermark, {@code Long.MIN_VALUE} while unknown. */
    public long watermark() {
        return watermark;
    }

    /**
     * The rule of the class over the channels of the stages {@code clock} counts, without the
     * never-backwards guarantee (a {@link Watermark} adds it): {@code Long.MIN_VALUE} while one of
     * them was never heard from.
     */
    long candidate(Clock clock) {
        boolean anyActive = false;
        boolean any = false;
        long minActive = Long.MAX_VALUE;
        long maxWm = Long.MIN_VALUE;
        long maxAdvanced = Long.MIN_VALUE;
        for (int i = 0; i < stageIds.length; i++) {
            if (!clock.counts(stageIds[i])) {
                continue;
            }
            for (int slot = offsets[i]; slot < offsets[i] + widths[i]; slot++) {
                if (!heard[slot]) {
                    return Long.MIN_VALUE;
                }
                any = true;
                if (!idle[slot]) {
                    anyActive = true;
                    minActive = Math.min(minActive, wm[slot]);
                }
                maxWm = Math.max(maxWm, wm[slot]);
                maxAdvanced = Math.max(maxAdvanced, advanced[slot]);
            }
        }
        if (!any) {
            return Long.MIN_VALUE;
        }
        return anyActive ? minActive : idleClose ? maxAdvanced : maxWm;
    }

    /** The largest input partition stream time behind the channels of the stages {@code clock} counts. */
    long high(Clock clock) {
        long max = Long.MIN_VALUE;
        for (int i = 0; i < stageIds.length; i++) {
            if (clock.counts(stageIds[i])) {
                for (int slot = offsets[i]; slot < offsets[i] + widths[i]; slot++) {
                    max = Math.max(max, high[slot]);
                }
            }
        }
        return max;
    }

    /** Largest input partition stream time minus the smallest channel watermark, 0 while unknown. */
    public long skew() {
        return skew;
    }

    /** The largest input partition stream time heard of, {@code Long.MIN_VALUE} while unknown. */
    public long high() {
        return maxHigh;
    }

    /** Whether every expected channel has been heard from. */
    public boolean complete() {
        return unheard == 0;
    }
}
