package dev.streamworks.clickstream.processor;

import dev.streamworks.clickstream.domain.DedupRule;
import dev.streamworks.clickstream.domain.DedupRule.Counted;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * The counted copies of the events of one task, in one logged key-value store keyed by the time
 * slot of the copy's read watermark ({@link DedupRule}), then the copy's key: a click reads its
 * key in the live slots that can hold its latest counted copy, newest first, and the watermark
 * deletes a whole slot by one range scan. Each counted copy costs one put and, later, one
 * tombstone; no index.
 * <p>
 * At most one entry per copy key is reachable: a counted copy replaces the latest one, and an
 * entry left in an older slot (out of the range the click looked in) is always below the latest
 * copy's slot, so a lookup from the newest slot meets the latest copy first. A click whose read
 * watermark is behind the latest copy's slot (its input partition is behind another) deletes the
 * entries between the two.
 * <p>
 * The slots that may hold entries are kept in memory (a handful: the window and the skew between
 * input partitions), so a click reads only slots that exist and eviction scans only slots that
 * are due, never from the store's first key (RocksDB keeps the tombstones of deleted entries until
 * a compaction, so such a scan would step over every copy ever evicted). After a restart they are
 * found again by one seek per slot.
 * <p>
 * Keys: 8 bytes big-endian of the slot with the sign bit flipped (byte order is slot order), then
 * the copy key in UTF-8 (which never holds the byte {@code 0xFF}, the end of a slot's range).
 * Values: 16 bytes, the copy's event time and read watermark.
 */
final class DedupIds {

    /** Deletes per store range scan: a slot may hold an hour of a task's events. */
    private static final int CHUNK = 10_000;
    private static final byte[] EMPTY = {};
    private static final byte[] END = {(byte) 0xFF};

    private final KeyValueStore<Bytes, byte[]> store;
    private final long windowMs;
    /** Every slot with an entry is here (one may have none left); {@code null} until read from the store. */
    private NavigableSet<Long> slots;
    /** Slots before this are evicted: no click still to come can be a duplicate of a copy in them. */
    private long evictedBelow = Long.MIN_VALUE;
    private int lastReads;

    DedupIds(KeyValueStore<Bytes, byte[]> store, long windowMs) {
        this.store = store;
        this.windowMs = windowMs;
    }

    static StoreBuilder<KeyValueStore<Bytes, byte[]>> storeBuilder(String name) {
        // not cached: an id is read and written once per copy, hours apart; a record cache would
        // crowd out the aggregates, whose updates it coalesces
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.Bytes(), Serdes.ByteArray());
    }

    /**
     * Decides a click by the rule and keeps it when it is counted.
     *
     * @return whether the click is counted (not a duplicate)
     */
    boolean admit(String copyKey, long time, long rwm) {
        NavigableSet<Long> live = slots();
        byte[] id = copyKey.getBytes(StandardCharsets.UTF_8);
        lastReads = 0;
        Long latestSlot = null;
        Counted latest = null;
        for (Long slot : live.tailSet(DedupRule.oldestUsefulSlot(rwm, windowMs), true).descendingSet()) {
            lastReads++;
            byte[] value = store.get(key(slot, id));
            if (value != null) {
                latestSlot = slot;
                latest = decode(value);
                break;
            }
        }
        if (DedupRule.isDuplicate(latest, time, rwm, windowMs)) {
            return false;
        }
        long slot = DedupRule.slotOf(rwm, windowMs);
        if (latestSlot != null && latestSlot != slot) {
            store.delete(key(latestSlot, id));
            if (latestSlot > slot) {
                // entries of the id older than the latest one but in slots after this copy's would
                // be met before this copy from now on
                for (Long between : live.subSet(slot, false, latestSlot, false)) {
                    lastReads++;
                    Bytes stale = key(between, id);
                    if (store.get(stale) != null) {
                        store.delete(stale);
                    }
                }
            }
        }
        // a copy in an evicted slot would be evicted before any click could meet it
        if (slot >= evictedBelow) {
            store.put(key(slot, id), encode(time, rwm));
            live.add(slot);
        }
        return true;
    }

    /** Deletes the slots the watermark has made useless ({@code Long.MIN_VALUE}: unknown, nothing). */
    void evict(long watermark) {
        if (watermark == Long.MIN_VALUE) {
            return;
        }
        long below = DedupRule.oldestUsefulSlot(watermark, windowMs);
        if (below <= evictedBelow) {
            return;
        }
        evictedBelow = below;
        NavigableSet<Long> live = slots();
        while (!live.isEmpty() && live.first() < below) {
            deleteSlot(live.pollFirst());
        }
    }

    /** Point reads of the last {@link #admit}. */
    int lastReads() {
        return lastReads;
    }

    /** The slots that may hold entries, oldest first. */
    List<Long> liveSlots() {
        return List.copyOf(slots());
    }

    private void deleteSlot(long slot) {
        Bytes from = key(slot, EMPTY);
        Bytes to = key(slot, END);
        while (true) {
            List<Bytes> keys = new ArrayList<>();
            try (KeyValueIterator<Bytes, byte[]> entries = store.range(from, to)) {
                while (keys.size() < CHUNK && entries.hasNext()) {
                    keys.add(entries.next().key);
                }
            }
            keys.forEach(store::delete);
            if (keys.size() < CHUNK) {
                return;
            }
            // the next scan starts at the last key deleted (now a tombstone the iterator skips)
            from = keys.get(keys.size() - 1);
        }
    }

    private NavigableSet<Long> slots() {
        if (slots == null) {
            slots = new TreeSet<>();
            Bytes from = null;
            while (true) {
                Long slot = null;
                try (KeyValueIterator<Bytes, byte[]> entries = from == null ? store.all() : store.range(from, null)) {
                    if (entries.hasNext()) {
                        slot = slotOf(entries.next().key.get());
                    }
                }
                if (slot == null) {
                    break;
                }
                slots.add(slot);
                if (slot == Long.MAX_VALUE) {
                    break;
                }
                from = key(slot + 1, EMPTY);
            }
        }
        return slots;
    }

    static Bytes key(long slot, byte[] id) {
        return Bytes.wrap(ByteBuffer.allocate(8 + id.length).putLong(slot ^ Long.MIN_VALUE).put(id).array());
    }

    static long slotOf(byte[] key) {
        return ByteBuffer.wrap(key, 0, 8).getLong() ^ Long.MIN_VALUE;
    }

    static byte[] encode(long time, long rwm) {
        return ByteBuffer.allocate(16).putLong(time).putLong(rwm).array();
    }

    static Counted decode(byte[] value) {
        if (value.length != 16) {
            throw new SerializationException("a dedup entry has 16 bytes, not " + value.length);
        }
        ByteBuffer in = ByteBuffer.wrap(value);
        return new Counted(in.getLong(), in.getLong());
    }
}
