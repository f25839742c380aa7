package dev.streamworks.common.time;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An index of entries by the event time at which the watermark makes them due (to close, to
 * evict), in a logged key-value store ordered by that time: the due entries are one range scan
 * from the beginning, each visited once. State whose lifetime the watermark decides lives in
 * compacted key-value stores cleared by tombstones, never in stores that the broker's clock
 * expires (docs/README.md, "state"). The earliest due time is kept in memory, so asking whether
 * anything is due costs nothing per record.
 * <p>
 * Keys: 8 bytes big-endian of the time with the sign bit flipped (byte order is time order),
 * then the entry's id.
 */
public final class TimeIndex {

    private static final byte[] EMPTY = {};

    private final KeyValueStore<Bytes, byte[]> store;
    private long next = Long.MIN_VALUE;
    private boolean nextKnown;

    public TimeIndex(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    public static StoreBuilder<KeyValueStore<Bytes, byte[]>> storeBuilder(String name) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.Bytes(), Serdes.ByteArray())
                .withCachingEnabled();
    }

    /** One due entry. */
    public record Due(long time, byte[] id) {
    }

    public void put(long time, byte[] id) {
        store.put(key(time, id), EMPTY);
        if (nextKnown && time < next) {
            next = time;
        }
    }

    public void delete(long time, byte[] id) {
        store.delete(key(time, id));
    }

    /** Whether an entry may be due at {@code watermark}. */
    public boolean anyDue(long watermark) {
        if (watermark == Long.MIN_VALUE) {
            return false;
        }
        if (!nextKnown) {
            next = first();
            nextKnown = true;
        }
        return next <= watermark;
    }

    /**
     * Removes and returns every entry due at {@code watermark} (time at or before it), oldest first.
     */
    public List<Due> takeDue(long watermark) {
        List<Due> due = new ArrayList<>();
        if (!anyDue(watermark)) {
            return due;
        }
        List<Bytes> keys = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> entries = store.all()) {
            while (entries.hasNext()) {
                KeyValue<Bytes, byte[]> entry = entries.next();
                long time = timeOf(entry.key.get());
                if (time > watermark) {
                    break;
                }
                keys.add(entry.key);
                due.add(new Due(time, Arrays.copyOfRange(entry.key.get(), 8, entry.key.get().length)));
            }
        }
        keys.forEach(store::delete);
        nextKnown = false;
        return due;
    }

    private long first() {
        try (KeyValueIterator<Bytes, byte[]> entries = store.all()) {
            return entries.hasNext() ? timeOf(entries.next().key.get()) : Long.MAX_VALUE;
        }
    }

    private static Bytes key(long time, byte[] id) {
        return Bytes.wrap(ByteBuffer.allocate(8 + id.length).putLong(time ^ Long.MIN_VALUE).put(id).array());
    }

    private static long timeOf(byte[] key) {
        return ByteBuffer.wrap(key, 0, 8).getLong() ^ Long.MIN_VALUE;
    }
}
