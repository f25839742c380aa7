package dev.streamworks.clickstream.processor;

import dev.streamworks.common.event.Click;
import dev.streamworks.common.event.Impression;
import dev.streamworks.common.serde.EventSerde;
import dev.streamworks.common.serde.Parsed;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.util.Arrays;

/**
 * The value of the per-user repartition topic: one tag byte ({@code C} click, {@code I} impression)
 * and then the input's original bytes, validated again on the way out as at the source.
 */
public final class UserEventSerde implements Serde<UserEvent> {

    private static final byte CLICK = 'C';
    private static final byte IMPRESSION = 'I';

    private final EventSerde<Click> clicks;
    private final EventSerde<Impression> impressions;

    public UserEventSerde(EventSerde<Click> clicks, EventSerde<Impression> impressions) {
        this.clicks = clicks;
        this.impressions = impressions;
    }

    @Override
    public Serializer<UserEvent> serializer() {
        return (topic, event) -> {
            if (event == null) {
                return null;
            }
            byte[] bytes = event.parsed().bytes();
            byte[] tagged = new byte[bytes.length + 1];
            tagged[0] = event instanceof UserEvent.ClickEvent ? CLICK : IMPRESSION;
            System.arraycopy(bytes, 0, tagged, 1, bytes.length);
            return tagged;
        };
    }

    @Override
    public Deserializer<UserEvent> deserializer() {
        return (topic, data) -> {
            if (data == null || data.length == 0) {
                throw new SerializationException("a user event needs a tag byte and a value");
            }
            byte[] bytes = Arrays.copyOfRange(data, 1, data.length);
            return switch (data[0]) {
                case CLICK -> UserEvent.click(new Parsed<>(clicks.parse(bytes), bytes));
                case IMPRESSION -> UserEvent.impression(new Parsed<>(impressions.parse(bytes), bytes));
                default -> throw new SerializationException("unknown user event tag " + data[0]);
            };
        };
    }
}
