package dev.streamworks.clickstream.domain;

import java.time.Duration;
import java.time.Instant;

/** A record of {@code click-impression-matches}: a click of a user after an impression shown to that user. */
public record ClickImpressionMatch(String userId, String impressionId, String clickEventId, String productId,
                                   Instant impressionTime, Instant clickTime, double delaySeconds) {

    public static ClickImpressionMatch of(String userId, String impressionId, Instant impressionTime,
                                          String clickEventId, String productId, Instant clickTime) {
        return new ClickImpressionMatch(userId, impressionId, clickEventId, productId, impressionTime, clickTime,
                Duration.between(impressionTime, clickTime).toMillis() / 1000.0);
    }

    /** The contract's condition: {@code impression_time <= click_time <= impression_time + interval}. */
    public static boolean matches(Instant impressionTime, Instant clickTime, Duration interval) {
        return !clickTime.isBefore(impressionTime) && !clickTime.isAfter(impressionTime.plus(interval));
    }
}
