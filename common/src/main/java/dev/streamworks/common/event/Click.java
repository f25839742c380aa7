package dev.streamworks.common.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.time.Instant;
import java.util.Locale;

/** One e-commerce event (topic {@code user-clicks}): the course's {@code ecommerce_schema}. */
public record Click(String eventId, Instant timestamp, String userId, EventType eventType,
                    String productId, String productName, String category, Double price,
                    Integer quantity) implements Event {

    /** Written in JSON as the course writes it: {@code view}, {@code add_to_cart} ... */
    public enum EventType {
        VIEW, ADD_TO_CART, PURCHASE, REMOVE;

        @JsonValue
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static EventType ofJson(String value) {
            for (EventType type : values()) {
                if (type.json().equals(value)) {
                    return type;
                }
            }
            throw new InvalidEventException("field 'event_type' must be one of view, add_to_cart, purchase, remove, was '"
                    + value + "'");
        }
    }

    public Click {
        Require.text(eventId, "event_id");
        Require.present(timestamp, "timestamp");
        Require.text(userId, "user_id");
        Require.present(eventType, "event_type");
        Require.text(productId, "product_id");
        Require.nonNegative(price, "price");
        Require.nonNegative(quantity, "quantity");
    }

    @Override
    public Instant eventTime() {
        return timestamp;
    }

    /** {@code price * quantity} for purchases; absent for every other event or without both fields. */
    public Double revenue() {
        return eventType == EventType.PURCHASE ? amount() : null;
    }

    /** {@code price * quantity} whatever the event type, when both are present. */
    public Double amount() {
        return price != null && quantity != null ? price * quantity : null;
    }
}
