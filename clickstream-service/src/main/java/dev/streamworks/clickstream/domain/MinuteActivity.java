package dev.streamworks.clickstream.domain;

/**
 * The events of one user in one anomaly window, and whether the anomaly was reported.
 *
 * @param events   events counted
 * @param reported whether the count has exceeded the threshold (reported once, at that event)
 */
public record MinuteActivity(long events, boolean reported) {

    public static MinuteActivity empty() {
        return new MinuteActivity(0, false);
    }

    /** Counts one event; the result is reported when this very event takes the count above the threshold. */
    public MinuteActivity add(long threshold) {
        long count = events + 1;
        return new MinuteActivity(count, reported || count > threshold);
    }

    /** Whether going from {@code before} to this state is the first crossing of the threshold. */
    public boolean firstCrossingAfter(MinuteActivity before) {
        return reported && !before.reported;
    }
}
