package dev.streamworks.clickstream.processor;

import dev.streamworks.common.event.Impression;
import dev.streamworks.common.serde.BinaryCodec;
import dev.streamworks.common.serde.BinaryReader;
import dev.streamworks.common.serde.BinaryWriter;

/** A validated impression in binary, for the per-user repartition topic. */
public final class ImpressionCodec implements BinaryCodec<Impression> {

    @Override
    public void write(Impression impression, BinaryWriter out) {
        out.writeString(impression.impressionId())
                .writeString(impression.userId())
                .writeString(impression.productId())
                .writeInstant(impression.impressionTime());
    }

    @Override
    public Impression read(BinaryReader in) {
        String impressionId = in.readString();
        String userId = in.readString();
        String productId = in.readString();
        return new Impression(impressionId, userId, productId, in.readInstant());
    }
}
