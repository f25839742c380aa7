package dev.streamworks.clickstream.processor;

import dev.streamworks.common.event.Click;
import dev.streamworks.common.event.Event;
import dev.streamworks.common.event.Impression;
import dev.streamworks.common.serde.BinaryCodec;
import dev.streamworks.common.serde.BinaryReader;
import dev.streamworks.common.serde.BinaryWriter;
import dev.streamworks.common.serde.EventSerde;
import dev.streamworks.common.serde.Parsed;
import dev.streamworks.common.serde.RepartitionSerde;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.util.Arrays;

/**
 * The value of the per-user repartition topic, in the {@link RepartitionSerde} form: the input's
 * original bytes, then a tag ({@code C} click, {@code I} impression) and the event in binary.
 * Values in the topic's earlier form (the tag, then the original bytes) are still read, parsed and
 * validated as at the source.
 */
public final class UserEventSerde implements Serde<UserEvent> {

    private static final byte CLICK = 'C';
    private static final byte IMPRESSION = 'I';

    private final RepartitionSerde<Event> events;

    public UserEventSerde(EventSerde<Click> clicks, EventSerde<Impression> impressions) {
        ClickCodec clickCodec = new ClickCodec();
        ImpressionCodec impressionCodec = new ImpressionCodec();
        BinaryCodec<Event> tagged = new BinaryCodec<>() {
            @Override
            public void write(Event event, BinaryWriter out) {
                if (event instanceof Click click) {
                    clickCodec.write(click, out.writeByte(CLICK));
                } else {
                    impressionCodec.write((Impression) event, out.writeByte(IMPRESSION));
                }
            }

            @Override
            public Event read(BinaryReader in) {
                int tag = in.readByte();
                return switch (tag) {
                    case CLICK -> clickCodec.read(in);
                    case IMPRESSION -> impressionCodec.read(in);
                    default -> throw new SerializationException("unknown user event tag " + tag);
                };
            }
        };
        this.events = new RepartitionSerde<>(tagged, data -> earlierForm(data, clicks, impressions));
    }

    private static Parsed<Event> earlierForm(byte[] data, EventSerde<Click> clicks, EventSerde<Impression> impressions) {
        if (data == null || data.length == 0) {
            throw new SerializationException("a user event needs a tag byte and a value");
        }
        byte[] bytes = Arrays.copyOfRange(data, 1, data.length);
        Event event = switch (data[0]) {
            case CLICK -> clicks.parse(bytes);
            case IMPRESSION -> impressions.parse(bytes);
            default -> throw new SerializationException("unknown user event tag " + data[0]);
        };
        return new Parsed<>(event, bytes);
    }

    @Override
    public Serializer<UserEvent> serializer() {
        return (topic, event) -> event == null ? null
                : events.write(new Parsed<>((Event) event.parsed().value(), event.parsed().bytes()));
    }

    @Override
    public Deserializer<UserEvent> deserializer() {
        return (topic, data) -> {
            Parsed<Event> parsed = events.read(data);
            if (parsed == null) {
                return null; // an event-time heartbeat
            }
            if (parsed.value() instanceof Click click) {
                return UserEvent.click(new Parsed<>(click, parsed.bytes()));
            }
            return UserEvent.impression(new Parsed<>((Impression) parsed.value(), parsed.bytes()));
        };
    }
}
