package dev.streamworks.clickstream.domain;

/** The figures of one session of one user. */
public record SessionFigures(long events, long purchases, double revenue) {

    public static SessionFigures of(boolean purchase, Double revenue) {
        return new SessionFigures(1, purchase ? 1 : 0, revenue == null ? 0.0 : revenue);
    }

    /** The figures of two sessions merged into one (a new event bridging them counts as a session of its own). */
    public SessionFigures merge(SessionFigures other) {
        return new SessionFigures(events + other.events, purchases + other.purchases, revenue + other.revenue);
    }
}
