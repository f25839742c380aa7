package dev.streamworks.clickstream.processor;

import dev.streamworks.clickstream.domain.LatencyHistogram;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/**
 * Binary form of a {@link LatencyHistogram}: a version byte, count, sum, max, the number of
 * buckets, then (value, count) pairs.
 */
final class LatencyHistogramSerde implements Serde<LatencyHistogram> {

    private static final byte VERSION = 1;

    @Override
    public Serializer<LatencyHistogram> serializer() {
        return (topic, histogram) -> {
            if (histogram == null) {
                return null;
            }
            Map<Long, Long> buckets = histogram.buckets();
            ByteBuffer buffer = ByteBuffer.allocate(1 + 3 * Long.BYTES + Integer.BYTES + buckets.size() * 2 * Long.BYTES)
                    .put(VERSION).putLong(histogram.count()).putLong(histogram.sum()).putLong(histogram.max())
                    .putInt(buckets.size());
            buckets.forEach((value, count) -> buffer.putLong(value).putLong(count));
            return buffer.array();
        };
    }

    @Override
    public Deserializer<LatencyHistogram> deserializer() {
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            if (data.length < 1 + 3 * Long.BYTES + Integer.BYTES || data[0] != VERSION) {
                throw new SerializationException("not a latency histogram (version " + VERSION + ")");
            }
            ByteBuffer buffer = ByteBuffer.wrap(data, 1, data.length - 1);
            long count = buffer.getLong();
            long sum = buffer.getLong();
            long max = buffer.getLong();
            int n = buffer.getInt();
            TreeMap<Long, Long> buckets = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                buckets.put(buffer.getLong(), buffer.getLong());
            }
            return LatencyHistogram.of(buckets, count, sum, max);
        };
    }
}
