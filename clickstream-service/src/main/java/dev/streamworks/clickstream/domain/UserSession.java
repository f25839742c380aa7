package dev.streamworks.clickstream.domain;

import dev.streamworks.common.streams.Window;

/**
 * A record of {@code user-sessions}: {@code session.start} is the first event, {@code session.end}
 * the last event plus the inactivity gap.
 */
public record UserSession(String userId, Window session, long events, long purchases, double revenue) {
}
