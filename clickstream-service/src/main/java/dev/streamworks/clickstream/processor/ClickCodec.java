package dev.streamworks.clickstream.processor;

import dev.streamworks.common.event.Click;
import dev.streamworks.common.serde.BinaryCodec;
import dev.streamworks.common.serde.BinaryReader;
import dev.streamworks.common.serde.BinaryWriter;

/** A validated click in binary, for the repartition topics (read back without a JSON parse). */
public final class ClickCodec implements BinaryCodec<Click> {

    private static final Click.EventType[] TYPES = Click.EventType.values();

    @Override
    public void write(Click click, BinaryWriter out) {
        out.writeString(click.eventId())
                .writeInstant(click.timestamp())
                .writeString(click.userId())
                .writeByte(click.eventType().ordinal())
                .writeString(click.productId())
                .writeNullableString(click.productName())
                .writeNullableString(click.category())
                .writeNullableDouble(click.price())
                .writeNullableInt(click.quantity());
    }

    @Override
    public Click read(BinaryReader in) {
        String eventId = in.readString();
        var timestamp = in.readInstant();
        String userId = in.readString();
        Click.EventType type = TYPES[in.readByte()];
        String productId = in.readString();
        String productName = in.readNullableString();
        String category = in.readNullableString();
        Double price = in.readNullableDouble();
        Integer quantity = in.readNullableInt();
        return new Click(eventId, timestamp, userId, type, productId, productName, category, price, quantity);
    }
}
