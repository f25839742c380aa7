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
 * Scans start at the oldest time that can still hold an entry (everything before it was taken),
 * never at the store's first key: the entries taken are deleted, and RocksDB keeps their
 * tombstones until a compaction, so a scan from the first key would step over every entry ever
 * taken, a cost that grows with the history (a profile of a 100k backlog showed it).
 * <p>
 * Keys: 8 bytes big-endian of the time with the sign bit flipped (byte order is time order),
 * then the entry's id.
 */
public final class TimeIndex {

    private static final byte[] EMPTY = {};

    private final KeyValueStore<Bytes, byte[]> store;
    private long next = Long.MIN_VALUE;
    private boolean nextKnown;
    /** No entry is older than this (in memory: after a restart, the first scan starts at the first key). */
    private long low = Long.MIN_VALUE;

    public TimeIndex(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    public static StoreBuilder<KeyValueStore<Bytes, byte[]>> storeBuilder(String name) {
        // not cached: an entry is written once and taken once, far apart in time, so a record cache
        // would save no write and crowd out the stores whose keys repeat (aggregates)
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.Bytes(), Serdes.ByteArray());
    }

    /** One due entry. */
    public record Due(long time, byte[] id) {
    }

    public void put(long time, byte[] id) {
        store.put(key(time, id), EMPTY);
        if (nextKnown && time < next) {
            next = time;
        }
        if (time < low) {
            low = time;
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
        long following = Long.MAX_VALUE;
        try (KeyValueIterator<Bytes, byte[]> entries = fromLow()) {
            while (entries.hasNext()) {
                KeyValue<Bytes, byte[]> entry = entries.next();
                long time = timeOf(entry.key.get());
                if (time > watermark) {
                    following = time;
                    break;
                }
                keys.add(entry.key);
                due.add(new Due(time, Arrays.copyOfRange(entry.key.get(), 8, entry.key.get().length)));
            }
        }
        keys.forEach(store::delete);
        // everything up to the watermark is taken; the entry the scan stopped at is the next due
        // (an entry deleted since may leave it too early: a scan that finds nothing corrects it)
        low = Math.max(low, watermark == Long.MAX_VALUE ? watermark : watermark + 1);
        next = following;
        nextKnown = true;
        return due;
    }

    private long first() {
        try (KeyValueIterator<Bytes, byte[]> entries = fromLow()) {
            return entries.hasNext() ? timeOf(entries.next().key.get()) : Long.MAX_VALUE;
        }
    }

    private KeyValueIterator<Bytes, byte[]> fromLow() {
        return low == Long.MIN_VALUE ? store.all() : store.range(key(low, EMPTY), null);
    }

    private static Bytes key(long time, byte[] id) {
        return Bytes.wrap(ByteBuffer.allocate(8 + id.length).putLong(time ^ Long.MIN_VALUE).put(id).array());
    }

    private static long timeOf(byte[] key) {
        return ByteBuffer.wrap(key, 0, 8).getLong() ^ Long.MIN_VALUE;
    }
}
