package dev.streamworks.common.event;

import java.time.Instant;

/** A product shown to a user (topic {@code user-impressions}). */
public record Impression(String impressionId, String userId, String productId, Instant impressionTime)
        implements Event {

    public Impression {
        Require.text(impressionId, "impression_id");
        Require.text(userId, "user_id");
        Require.text(productId, "product_id");
        Require.present(impressionTime, "impression_time");
    }

    @Override
    public Instant eventTime() {
        return impressionTime;
    }
}
