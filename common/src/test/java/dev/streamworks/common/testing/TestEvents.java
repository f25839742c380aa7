package dev.streamworks.common.testing;

import java.time.Instant;
import java.util.Locale;

/**
 * Input records as producers write them (JSON text), with fixed instants. Built by hand rather
 * than by our own serializer, so the tests read what the outside world sends.
 */
public final class TestEvents {

    private TestEvents() {
    }

    /** A reading with only the required fields. */
    public static String reading(String deviceId, Instant at, double temperature) {
        return String.format(Locale.ROOT, "{\"device_id\":\"%s\",\"event_timestamp\":\"%s\",\"temperature\":%s}",
                deviceId, at, temperature);
    }

    /** A reading with every field. */
    public static String reading(String deviceId, Instant at, double temperature, double humidity, double battery) {
        return String.format(Locale.ROOT, "{\"device_id\":\"%s\",\"event_timestamp\":\"%s\",\"temperature\":%s,"
                + "\"humidity\":%s,\"battery\":%s}", deviceId, at, temperature, humidity, battery);
    }

    public static String click(String eventId, Instant at, String userId, String eventType, String productId,
                               double price, int quantity) {
        return String.format(Locale.ROOT, "{\"event_id\":\"%s\",\"timestamp\":\"%s\",\"user_id\":\"%s\","
                        + "\"event_type\":\"%s\",\"product_id\":\"%s\",\"price\":%s,\"quantity\":%d}",
                eventId, at, userId, eventType, productId, price, quantity);
    }

    public static String impression(String impressionId, Instant at, String userId, String productId) {
        return String.format(Locale.ROOT, "{\"impression_id\":\"%s\",\"user_id\":\"%s\",\"product_id\":\"%s\","
                + "\"impression_time\":\"%s\"}", impressionId, userId, productId, at);
    }

    public static String transaction(String transactionId, Instant at, String userId, double amount, String country) {
        return String.format(Locale.ROOT, "{\"transaction_id\":\"%s\",\"user_id\":\"%s\",\"amount\":%s,"
                + "\"country\":\"%s\",\"transaction_time\":\"%s\"}", transactionId, userId, amount, country, at);
    }
}
