package dev.streamworks.clickstream.domain;

import dev.streamworks.common.event.Click.EventType;

/** A record of {@code product-conversion}: the running funnel of one product. */
public record ProductConversion(String productId, long views, long addToCart, long purchases,
                                double conversionRate) {

    public static ProductConversion first(String productId) {
        return new ProductConversion(productId, 0, 0, 0, 0.0);
    }

    /** Counts one event of {@code type} ({@code remove} changes no figure of the funnel). */
    public ProductConversion add(EventType type) {
        long v = views + (type == EventType.VIEW ? 1 : 0);
        long a = addToCart + (type == EventType.ADD_TO_CART ? 1 : 0);
        long p = purchases + (type == EventType.PURCHASE ? 1 : 0);
        return new ProductConversion(productId, v, a, p, v == 0 ? 0.0 : (double) p / v);
    }
}
