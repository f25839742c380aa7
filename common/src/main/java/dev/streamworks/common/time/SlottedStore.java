package dev.streamworks.common.time;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Entries whose lifetime the watermark decides, in one logged key-value store keyed by a time slot
 * first: the watermark deletes a whole slot by one range scan of its keys, once every time the slot
 * can hold is at least {@code lifetime} behind it ({@code time + lifetime <= watermark}). Each entry
 * costs one put and, later, one tombstone, and there is no separate index of due times (as with
 * {@link TimeIndex}, which costs a put and a tombstone more per entry). The price: an entry is kept
 * until its slot is due, up to one slot longer than its own {@code time + lifetime}; a user of this
 * class shows that keeping it longer changes no output.
 * <p>
 * Slots are {@code slotMs} long, aligned to the epoch ({@link #slotOf(long, long)}). An entry put in a
 * slot the watermark has already deleted is not kept: it would be due at once. A lookup over a time
 * range ({@link #range}) is one range scan per live slot overlapping it, so a slot of the order of the
 * range's length costs two scans.
 * <p>
 * The live slots (those that may hold entries: a handful, the lifetime and the skew between input
 * partitions over the slot length) are kept in memory, so lookups read only slots that exist and
 * eviction starts at the earliest live slot, never at the store's first key: RocksDB keeps the
 * tombstones of deleted entries until a compaction, so a scan from the first key would step over
 * every entry ever evicted. After a restart they are found again once, the first from the store's
 * first key and each next one by a seek past the previous slot.
 * <p>
 * Keys: 8 bytes big-endian of the slot number with the sign bit flipped (byte order is slot order),
 * then the caller's suffix, which orders the entries of a slot. The store is compacted and cleared
 * by tombstones only, never by the broker's clock (docs/README.md, "state"): no windowed or segmented
 * store, whose changelog a time retention would delete.
 *
 * @param <V> the entries' values
 */
public final class SlottedStore<V> {

    /** Deletes per scan when a slot is evicted: a slot may hold an hour of a task's records. */
    static final int CHUNK = 10_000;
    private static final byte[] EMPTY = {};

    private final KeyValueStore<Bytes, V> store;
    private final long slotMs;
    private final long lifetimeMs;
    /** Every slot with an entry is here (one may have none left); {@code null} until read from the store. */
    private NavigableSet<Long> live;
    /** Slots before this one were deleted by the watermark. */
    private long evictedBelow = Long.MIN_VALUE;

    /**
     * @param slotMs     the slots' length, at least 1 ms
     * @param lifetimeMs an entry at {@code time} may be deleted once {@code time + lifetime <= watermark}
     */
    public SlottedStore(KeyValueStore<Bytes, V> store, long slotMs, long lifetimeMs) {
        if (slotMs <= 0 || lifetimeMs < 0) {
            throw new IllegalArgumentException("slot " + slotMs + " ms and lifetime " + lifetimeMs
                    + " ms: a slot is at least 1 ms, a lifetime not negative");
        }
        this.store = store;
        this.slotMs = slotMs;
        this.lifetimeMs = lifetimeMs;
    }

    /**
     * A logged, uncached key-value store: each entry is written once and deleted once, far apart in
     * time, so a record cache would save no write and crowd out the stores whose keys repeat.
     */
    public static <V> StoreBuilder<KeyValueStore<Bytes, V>> storeBuilder(String name, Serde<V> values) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.Bytes(), values);
    }

    /** The slot of {@code time}: the number of the {@code slotMs}-long slot, aligned to the epoch, holding it. */
    public static long slotOf(long time, long slotMs) {
        return Math.floorDiv(time, slotMs);
    }

    /**
     * The oldest slot the watermark keeps: every slot before it is due, every slot from it on is not.
     * Slot {@code s} holds the times {@code [s * slotMs, (s + 1) * slotMs - 1]}, so it is due when its
     * last time {@code t} has {@code t + lifetime <= watermark}, that is when {@code s} is before the
     * slot of {@code watermark - lifetime + 1}.
     */
    public static long firstKeptSlot(long watermark, long slotMs, long lifetimeMs) {
        if (watermark < Long.MIN_VALUE + lifetimeMs) {
            // no time t has t + lifetime <= watermark
            return slotOf(Long.MIN_VALUE, slotMs);
        }
        long lastDueTime = watermark - lifetimeMs;
        return lastDueTime == Long.MAX_VALUE ? slotOf(Long.MAX_VALUE, slotMs) : slotOf(lastDueTime + 1, slotMs);
    }

    /** The slot of {@code time} in this store. */
    public long slotOf(long time) {
        return slotOf(time, slotMs);
    }

    /**
     * Keeps {@code value} under {@code suffix} in the slot of {@code time}.
     *
     * @return false when that slot was already deleted by the watermark (the entry would be due at
     *         once, and is not written)
     */
    public boolean put(long time, byte[] suffix, V value) {
        long slot = slotOf(time);
        if (slot < evictedBelow) {
            return false;
        }
        store.put(key(slot, suffix), value);
        slots().add(slot);
        return true;
    }

    /** The entry under {@code suffix} in {@code slot}, or {@code null}. */
    public V get(long slot, byte[] suffix) {
        return slots().contains(slot) ? store.get(key(slot, suffix)) : null;
    }

    /** Deletes the entry under {@code suffix} in {@code slot}, if any. */
    public void delete(long slot, byte[] suffix) {
        if (slots().contains(slot)) {
            store.delete(key(slot, suffix));
        }
    }

    /**
     * Every entry of the slots overlapping the times {@code [from, to]} whose suffix is in {@code
     * [lowerSuffix, upperSuffix]} (byte order, both inclusive), slot by slot, in key order: one range
     * scan per live slot. The suffix bounds are the same in every slot; entries of a slot outside
     * {@code [from, to]} are returned when their suffix is in the bounds (put the time in the suffix
     * to narrow them).
     */
    public void range(long from, long to, byte[] lowerSuffix, byte[] upperSuffix, Consumer<V> each) {
        if (from > to) {
            return;
        }
        for (long slot : slots().subSet(slotOf(from), true, slotOf(to), true)) {
            try (KeyValueIterator<Bytes, V> found = store.range(key(slot, lowerSuffix), key(slot, upperSuffix))) {
                while (found.hasNext()) {
                    each.accept(found.next().value);
                }
            }
        }
    }

    /**
     * Deletes every slot due at {@code watermark} (before {@link #firstKeptSlot}), one tombstone per entry,
     * starting at the earliest live slot; {@code Long.MIN_VALUE} (unknown) deletes nothing.
     *
     * @return the entries deleted
     */
    public int evict(long watermark) {
        if (watermark == Long.MIN_VALUE) {
            return 0;
        }
        long firstKept = firstKeptSlot(watermark, slotMs, lifetimeMs);
        if (firstKept <= evictedBelow) {
            return 0;
        }
        evictedBelow = firstKept;
        NavigableSet<Long> slots = slots();
        int deleted = 0;
        while (!slots.isEmpty() && slots.first() < firstKept) {
            deleted += deleteSlot(slots.pollFirst());
        }
        return deleted;
    }

    /** The slots that may hold entries, oldest first. */
    public NavigableSet<Long> liveSlots() {
        return Collections.unmodifiableNavigableSet(slots());
    }

    private int deleteSlot(long slot) {
        Bytes from = key(slot, EMPTY);
        // the next slot's first possible key; a key equal to it belongs to that slot and is skipped
        Bytes to = slot == Long.MAX_VALUE ? null : key(slot + 1, EMPTY);
        int deleted = 0;
        while (true) {
            List<Bytes> keys = new ArrayList<>();
            try (KeyValueIterator<Bytes, V> entries = store.range(from, to)) {
                while (keys.size() < CHUNK && entries.hasNext()) {
                    Bytes key = entries.next().key;
                    if (slotOfKey(key.get()) != slot) {
                        break;
                    }
                    keys.add(key);
                }
            }
            keys.forEach(store::delete);
            deleted += keys.size();
            if (keys.size() < CHUNK) {
                return deleted;
            }
            // the next scan starts at the last key deleted (now a tombstone the iterator skips),
            // not at the slot's start, so it does not step over the tombstones just written
            from = keys.get(keys.size() - 1);
        }
    }

    private NavigableSet<Long> slots() {
        if (live == null) {
            live = new TreeSet<>();
            Bytes from = null;
            while (true) {
                Long slot = null;
                try (KeyValueIterator<Bytes, V> entries = from == null ? store.all() : store.range(from, null)) {
                    if (entries.hasNext()) {
                        KeyValue<Bytes, V> first = entries.next();
                        slot = slotOfKey(first.key.get());
                    }
                }
                if (slot == null) {
                    break;
                }
                live.add(slot);
                if (slot == Long.MAX_VALUE) {
                    break;
                }
                from = key(slot + 1, EMPTY);
            }
        }
        return live;
    }

    /** The key of {@code suffix} in {@code slot}. */
    public static Bytes key(long slot, byte[] suffix) {
        return Bytes.wrap(ByteBuffer.allocate(8 + suffix.length).putLong(slot ^ Long.MIN_VALUE).put(suffix).array());
    }

    /** The slot of a key. */
    public static long slotOfKey(byte[] key) {
        return ByteBuffer.wrap(key, 0, 8).getLong() ^ Long.MIN_VALUE;
    }
}
