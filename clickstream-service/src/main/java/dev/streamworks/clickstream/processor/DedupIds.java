package dev.streamworks.clickstream.processor;

import dev.streamworks.clickstream.domain.DedupRule;
import dev.streamworks.clickstream.domain.DedupRule.Counted;
import dev.streamworks.common.time.SlottedStore;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.NavigableSet;

/**
 * The counted copies of the events of one task, in a {@link SlottedStore} keyed by the time slot of
 * the copy's read watermark ({@link DedupRule}: slots the window long, a slot deleted whole once the
 * watermark is a window past its last read watermark), then the copy's key: a click reads its key
 * in the live slots that can hold its latest counted copy, newest first. Each counted copy costs one
 * put and, later, one tombstone; no index.
 * <p>
 * At most one entry per copy key is reachable: a counted copy replaces the latest one, and an
 * entry left in an older slot (out of the range the click looked in) is always below the latest
 * copy's slot, so a lookup from the newest slot meets the latest copy first. A click whose read
 * watermark is behind the latest copy's slot (its input partition is behind another) deletes the
 * entries between the two.
 * <p>
 * Suffixes: the copy key in UTF-8. Values: 16 bytes, the copy's event time and read watermark.
 */
final class DedupIds {

    private final SlottedStore<byte[]> ids;
    private final long windowMs;
    private int lastReads;

    DedupIds(KeyValueStore<Bytes, byte[]> store, long windowMs) {
        this.ids = new SlottedStore<>(store, windowMs, windowMs);
        this.windowMs = windowMs;
    }

    static StoreBuilder<KeyValueStore<Bytes, byte[]>> storeBuilder(String name) {
        return SlottedStore.storeBuilder(name, Serdes.ByteArray());
    }

    /**
     * Decides a click by the rule and keeps it when it is counted.
     *
     * @return whether the click is counted (not a duplicate)
     */
    boolean admit(String copyKey, long time, long rwm) {
        NavigableSet<Long> live = ids.liveSlots();
        byte[] id = copyKey.getBytes(StandardCharsets.UTF_8);
        lastReads = 0;
        Long latestSlot = null;
        Counted latest = null;
        for (Long slot : live.tailSet(DedupRule.oldestUsefulSlot(rwm, windowMs), true).descendingSet()) {
            lastReads++;
            byte[] value = ids.get(slot, id);
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
            ids.delete(latestSlot, id);
            if (latestSlot > slot) {
                // entries of the id older than the latest one but in slots after this copy's would
                // be met before this copy from now on
                for (Long between : List.copyOf(live.subSet(slot, false, latestSlot, false))) {
                    lastReads++;
                    if (ids.get(between, id) != null) {
                        ids.delete(between, id);
                    }
                }
            }
        }
        // not kept in a slot the watermark already deleted: it would be evicted before any click met it
        ids.put(rwm, id, encode(time, rwm));
        return true;
    }

    /** Deletes the slots the watermark has made useless ({@code Long.MIN_VALUE}: unknown, nothing). */
    void evict(long watermark) {
        ids.evict(watermark);
    }

    /** Point reads of the last {@link #admit}. */
    int lastReads() {
        return lastReads;
    }

    /** The slots that may hold entries, oldest first. */
    List<Long> liveSlots() {
        return List.copyOf(ids.liveSlots());
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
