package dev.streamworks.bench;

import java.time.Duration;
import java.util.BitSet;
import java.util.SplittableRandom;

/**
 * {@code --late-share}: which events of a drain backlog are made truly late, and their event time.
 * <p>
 * The backlog's i-th event has the nominal event time {@code start + i * span / events} (in order).
 * A late one gets {@code nominal - OFFSET} instead. {@link #OFFSET} (50 min) is larger than every
 * window + grace of the bench's pipelines (the largest: clickstream's sessions, gap 30 min + grace
 * 10 min, late when {@code t + 40 min <= rwm}; its 5-minute windows with 10 min grace, iot's too,
 * 15 min; fraud's grace, 15 min: a transaction is late when {@code t + 15 min <=} its input
 * partition's stream time; docs/semantics.md), and only events whose nominal time is at least {@code OFFSET} after
 * the backlog's start are chosen: every partition has then been read up to about the event's
 * nominal time, so its read watermark is more than 40 min past the late event time whatever the
 * interleaving, while the late time stays inside the backlog's span (in its first windows, which the
 * in-order events open anyway), so nothing but the late topic sees a difference. Exactly
 * {@code round(share * events)} events are chosen, uniformly among those eligible (selection
 * sampling), deterministically by seed.
 */
final class LateInjection {

    /** How much earlier a late event's time is than its nominal time. */
    static final Duration OFFSET = Duration.ofMinutes(50);

    /** No late event: the in-order backlog. */
    static final LateInjection NONE = new LateInjection(new BitSet(), 0, 0);

    private final BitSet late;
    private final int count;
    private final long offsetMs;

    private LateInjection(BitSet late, int count, long offsetMs) {
        this.late = late;
        this.count = count;
        this.offsetMs = offsetMs;
    }

    /** The first index whose nominal time is at least {@code offsetMs} after the start. */
    static int firstEligible(int events, long spanMs, long offsetMs) {
        // nominal offset of i: (long) ((double) i * spanMs / events), as Load computes it
        int i = (int) Math.min(events, (long) Math.ceil((double) offsetMs * events / spanMs));
        while (i > 0 && nominalOffset(i - 1, events, spanMs) >= offsetMs) {
            i--;
        }
        while (i < events && nominalOffset(i, events, spanMs) < offsetMs) {
            i++;
        }
        return i;
    }

    static long nominalOffset(int i, int events, long spanMs) {
        return (long) ((double) i * spanMs / events);
    }

    /** The largest share a backlog of {@code span} can have late (the events at least OFFSET after its start). */
    static double maxShare(Duration span) {
        return Math.max(0, 1 - (double) OFFSET.toMillis() / span.toMillis());
    }

    /** Chooses {@code round(share * events)} late events with {@link #OFFSET}; throws if they do not fit. */
    static LateInjection choose(int events, Duration span, double share, long seed) {
        return choose(events, span.toMillis(), share, OFFSET.toMillis(), seed);
    }

    static LateInjection choose(int events, long spanMs, double share, long offsetMs, long seed) {
        if (share < 0 || share >= 1) {
            throw new IllegalArgumentException("late share must be in [0, 1): " + share);
        }
        int wanted = (int) Math.round(share * events);
        if (wanted == 0) {
            return NONE;
        }
        int first = firstEligible(events, spanMs, offsetMs);
        int eligible = events - first;
        if (wanted > eligible) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "%,d late events do not fit: "
                    + "only the %,d events at least %s after the backlog's start can be made late; "
                    + "a longer --backlog-span or a smaller --late-share", wanted, eligible,
                    BenchOptions.format(Duration.ofMillis(offsetMs))));
        }
        BitSet late = new BitSet(events);
        SplittableRandom random = new SplittableRandom(seed);
        int chosen = 0;
        for (int i = first; i < events && chosen < wanted; i++) {
            // Knuth's selection sampling: exactly `wanted` of the `eligible`, each subset equally likely
            if (random.nextInt(events - i) < wanted - chosen) {
                late.set(i);
                chosen++;
            }
        }
        return new LateInjection(late, wanted, offsetMs);
    }

    boolean isLate(int i) {
        return late.get(i);
    }

    /** The event time of the i-th event: its nominal time, or OFFSET earlier when it is late. */
    long eventTime(int i, long nominalMs) {
        return late.get(i) ? nominalMs - offsetMs : nominalMs;
    }

    /** How many events are late. */
    int count() {
        return count;
    }

    long offsetMs() {
        return offsetMs;
    }
}
