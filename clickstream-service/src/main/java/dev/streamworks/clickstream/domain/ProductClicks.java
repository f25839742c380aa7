package dev.streamworks.clickstream.domain;

import dev.streamworks.common.streams.Window;

/** A record of {@code clicks-per-product-5m}: one product's clicks and distinct users in one window. */
public record ProductClicks(Window window, String productId, long clicks, long uniqueUsers) {
}
