package dev.streamworks.bench;

import org.HdrHistogram.Histogram;

import java.util.HashMap;
import java.util.Map;

/**
 * Matches output records to the inputs they include and records end-to-end latencies.
 * <p>
 * Per correlation key (grouping key and window) the inputs are numbered in send order: the
 * k-th input of a window is the one that takes the window's count to k. An output with count
 * c therefore includes inputs 1..c; every one of those not matched before becomes visible at
 * that output's poll time. This holds when a record cache coalesces updates (an output for
 * c = 7 after one for c = 4 makes inputs 5, 6 and 7 visible at once) and ignores repeats (an
 * at-least-once re-delivery of an old count matches nothing). Only inputs sent inside the
 * measurement interval are recorded, so warm-up and drain-out do not count.
 * <p>
 * Times are microseconds of the same clock (the bench's wall clock). Thread-safe: the
 * generator thread calls {@link #sent}, the output reader {@link #observed}.
 */
public final class Correlator {

    private static final long MAX_MICROS = 3_600_000_000L;

    private final long measureFromMicros;
    private final long measureUntilMicros;
    private final Histogram histogram = new Histogram(MAX_MICROS, 3);
    private final Map<String, Window> windows = new HashMap<>();
    private long sentMeasured;
    private long matchedMeasured;
    private long unexpected;

    /** Inputs sent in [{@code measureFromMicros}, {@code measureUntilMicros}) are measured. */
    public Correlator(long measureFromMicros, long measureUntilMicros) {
        this.measureFromMicros = measureFromMicros;
        this.measureUntilMicros = measureUntilMicros;
    }

    private static final class Window {
        long[] sentMicros = new long[16];
        int sent;
        int matched;
    }

    public synchronized void sent(String correlationKey, long sentMicros) {
        Window window = windows.computeIfAbsent(correlationKey, k -> new Window());
        if (window.sent == window.sentMicros.length) {
            window.sentMicros = java.util.Arrays.copyOf(window.sentMicros, window.sent * 2);
        }
        window.sentMicros[window.sent++] = sentMicros;
        if (measured(sentMicros)) {
            sentMeasured++;
        }
    }

    /** An output record that counts {@code count} inputs of its window was polled at {@code polledMicros}. */
    public synchronized void observed(String correlationKey, long count, long polledMicros) {
        Window window = windows.get(correlationKey);
        if (window == null || count > window.sent) {
            unexpected++;
            return;
        }
        for (int k = window.matched; k < count; k++) {
            long sentMicros = window.sentMicros[k];
            if (measured(sentMicros)) {
                histogram.recordValue(Math.min(MAX_MICROS, Math.max(0, polledMicros - sentMicros)));
                matchedMeasured++;
            }
        }
        window.matched = (int) Math.max(window.matched, count);
    }

    private boolean measured(long sentMicros) {
        return sentMicros >= measureFromMicros && sentMicros < measureUntilMicros;
    }

    /** Inputs of the measurement interval that no output has included yet. */
    public synchronized long pending() {
        return sentMeasured - matchedMeasured;
    }

    public synchronized long sentMeasured() {
        return sentMeasured;
    }

    /** Outputs that match no input (a count beyond what was sent, or an unknown window): should be 0. */
    public synchronized long unexpected() {
        return unexpected;
    }

    /** A copy of the latencies recorded so far, in microseconds. */
    public synchronized Histogram histogram() {
        return histogram.copy();
    }
}
