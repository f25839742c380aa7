package dev.streamworks.clickstream.domain;

import java.time.Instant;

/** A record of {@code user-activity}: running totals of one user, every valid event counted. */
public record UserActivity(String userId, long totalEvents, long purchases, Instant lastActivity) {

    public static UserActivity first(String userId) {
        return new UserActivity(userId, 0, 0, null);
    }

    /** Counts one event; {@code last_activity} is the latest event time seen, whatever the arrival order. */
    public UserActivity add(Instant eventTime, boolean purchase) {
        Instant last = lastActivity == null || eventTime.isAfter(lastActivity) ? eventTime : lastActivity;
        return new UserActivity(userId, totalEvents + 1, purchases + (purchase ? 1 : 0), last);
    }
}
