package dev.streamworks.clickstream.domain;

import dev.streamworks.common.time.SlottedStore;

/**
 * The deduplication rule of docs/semantics.md section 4 and the time slots its state is kept in.
 * <p>
 * A click is a duplicate when the latest counted copy of its event is less than the window apart
 * in event time and was read less than the window before it (read watermarks, {@code rwm}). The
 * counted copies are kept in slots of the window's length by their {@code rwm}: a click can only
 * be a duplicate of a copy in a slot at or after {@link #oldestUsefulSlot}, and once the watermark
 * is past a slot's last {@code rwm} plus the window (every slot before
 * {@code oldestUsefulSlot(watermark)}), no click still to come can be a duplicate of its copies.
 */
public final class DedupRule {

    /** A counted copy of an event: its event time and read watermark. */
    public record Counted(long eventTimeMs, long rwm) {
    }

    private DedupRule() {
    }

    /**
     * Whether a click at {@code time}, read at {@code rwm}, is a duplicate of the latest counted copy
     * of its event ({@code null}: none).
     */
    public static boolean isDuplicate(Counted latest, long time, long rwm, long windowMs) {
        return latest != null && Math.abs(time - latest.eventTimeMs()) < windowMs && rwm - latest.rwm() < windowMs;
    }

    /** The slot of a read watermark: slots are the window's length, aligned to the epoch. */
    public static long slotOf(long rwm, long windowMs) {
        return SlottedStore.slotOf(rwm, windowMs);
    }

    /**
     * The oldest slot whose copies a click read at {@code rwm} can be a duplicate of: the slot of
     * {@code rwm - window + 1}, the oldest read watermark with {@code rwm - first < window}. At the
     * watermark, the slots before it can no longer make any click to come a duplicate (each has
     * {@code rwm >= watermark}), the rule's eviction bound: a slot goes when the watermark reaches
     * its last read watermark plus the window, never before a copy in it would under
     * {@code watermark >= rwm + window}.
     */
    public static long oldestUsefulSlot(long rwm, long windowMs) {
        return SlottedStore.firstKeptSlot(rwm, windowMs, windowMs);
    }
}
