package dev.streamworks.common.time;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The exact set of distinct values of each (window, key) of a {@link WindowAggregation}, in one
 * logged, cached key-value store, written in append-only chunks so that its changelog gets one
 * record per changed chunk and commit, not one per value, and one tombstone per chunk when the
 * window closes, not one per value.
 * <p>
 * <b>Store.</b> Key: 8 bytes big-endian of the window start with the sign bit flipped (byte order
 * is time order), the key's UTF-8 length (4 bytes) and bytes (length-prefixed, so ("a|b", "c") and
 * ("a", "b|c") differ), then the chunk number (4 bytes big-endian, from 0). Value: the chunk's
 * values, each a varint length and its UTF-8 bytes, in the order they were added; a chunk holds at
 * most {@link #CHUNK_VALUES} values and {@link #CHUNK_BYTES} bytes (a larger value has a chunk of its
 * own). A new value is appended to the (window, key)'s last chunk, which is rewritten whole, or
 * starts the next chunk when the last is full; earlier chunks are never written again. Two values
 * are the same when their UTF-8 bytes are (as the store compares them).
 * <p>
 * <b>Record cache.</b> The store has Kafka Streams' record cache: the appends to one chunk between
 * two commits are one changelog record, written when the cache flushes (at the commit, in its
 * transaction) or evicts the entry. The cache is shared by the stores of a stream thread and, once
 * full, evicts from the store being written; a chunk is at most a few KB and only the last chunk
 * of a (window, key) is written repeatedly, so the chunks of the open windows take a bounded part
 * of it and the aggregates, whose keys repeat more often, keep theirs.
 * <p>
 * <b>Membership.</b> Answered from an in-memory index of the values of each (window, key) used
 * recently, bounded by {@code capacity} values (least recently used (window, key) dropped first,
 * the one in use always kept), and rebuilt for a (window, key) it does not hold by one range scan
 * over that (window, key)'s chunks. Each record then costs a hash lookup and, for a new value, the
 * rewrite of one chunk, whatever the size of the set. The index is a cache of the store, never the
 * other way round: it holds a (window, key) only as read from the store plus the appends this
 * instance made through the same store since. An instance belongs to one processor and is created
 * again in the processor's {@code init}: Kafka Streams re-initializes a task's processors after a
 * dirty close (an aborted transaction under exactly-once, a crash, a task migrated away and back),
 * with its stores rolled back to their last commit, so a new index rebuilds from the rolled-back
 * chunks and never remembers a value whose append was aborted.
 */
final class DistinctSets {

    /** Values per chunk at most. */
    static final int CHUNK_VALUES = 64;
    /** Encoded bytes per chunk at most, unless its only value is larger. */
    static final int CHUNK_BYTES = 4096;
    /** Values the index of one processor holds by default (open windows of a task's keys). */
    public static final int DEFAULT_CAPACITY = 65_536;

    private final KeyValueStore<Bytes, byte[]> store;
    private final int capacity;
    /** Per (window, key) in the index: its values and last chunk; in access order, least recent first. */
    private final LinkedHashMap<WindowKey, Members> index = new LinkedHashMap<>(16, 0.75f, true);
    /** Values held by the index. */
    private long indexed;
    private long rebuilds;

    /** @param capacity values the index holds at most, besides those of the (window, key) in use */
    public DistinctSets(KeyValueStore<Bytes, byte[]> store, int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("index capacity " + capacity + " is negative");
        }
        this.store = store;
        this.capacity = capacity;
    }

    /** A logged key-value store with a record cache, which coalesces the rewrites of a chunk between commits. */
    public static StoreBuilder<KeyValueStore<Bytes, byte[]>> storeBuilder(String name) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.Bytes(), Serdes.ByteArray())
                .withCachingEnabled();
    }

    /** A value as the sets compare it: its UTF-8 bytes. */
    public static Bytes value(String value) {
        return Bytes.wrap(value.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether {@code value} is in the set of the window starting at {@code start} and {@code key}. */
    public boolean contains(long start, String key, Bytes value) {
        return members(start, key).values.contains(value);
    }

    /**
     * Adds {@code value} to the set of ({@code start}, {@code key}): appended to its last chunk, or
     * to a new one when the last is full.
     *
     * @return whether it was new
     */
    public boolean add(long start, String key, Bytes value) {
        Members members = members(start, key);
        if (members.values.contains(value)) {
            return false;
        }
        byte[] bytes = value.get();
        int encoded = encodedSize(bytes);
        boolean full = members.lastChunk < 0 || members.lastCount >= CHUNK_VALUES
                || (members.lastCount > 0 && members.last.length + encoded > CHUNK_BYTES);
        int chunk = full ? members.lastChunk + 1 : members.lastChunk;
        byte[] rewritten = append(full ? EMPTY : members.last, bytes);
        // the store first: if the write fails, the index has not changed
        store.put(chunkKey(start, key, chunk), rewritten);
        members.lastChunk = chunk;
        members.last = rewritten;
        members.lastCount = full ? 1 : members.lastCount + 1;
        members.values.add(value);
        indexed++;
        shrink();
        return true;
    }

    /**
     * Deletes the sets of the windows starting in {@code [fromStart, lastStart]}, one tombstone per
     * chunk, by one range scan from {@code fromStart} (the first window not yet deleted, so the scan
     * does not step over the tombstones of windows deleted before), and drops them from the index.
     *
     * @return the chunks deleted
     */
    public int deleteUpTo(long fromStart, long lastStart) {
        List<Bytes> doomed = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> chunks = store.range(windowPrefix(fromStart), null)) {
            while (chunks.hasNext()) {
                Bytes key = chunks.next().key;
                if (startOf(key.get()) > lastStart) {
                    break;
                }
                doomed.add(key);
            }
        }
        // deleted after the iterator is closed, not under it
        doomed.forEach(store::delete);
        Iterator<Map.Entry<WindowKey, Members>> entries = index.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<WindowKey, Members> entry = entries.next();
            if (entry.getKey().start() <= lastStart) {
                indexed -= entry.getValue().values.size();
                entries.remove();
            }
        }
        return doomed.size();
    }

    /** The (window, key) sets the index holds. */
    int indexedSets() {
        return index.size();
    }

    /** Values the index holds. */
    long indexedValues() {
        return indexed;
    }

    /** The times a set was read from the store into the index. */
    long rebuilds() {
        return rebuilds;
    }

    private Members members(long start, String key) {
        WindowKey windowKey = new WindowKey(start, key);
        Members members = index.get(windowKey);
        if (members == null) {
            members = read(start, key);
            index.put(windowKey, members);
            indexed += members.values.size();
            rebuilds++;
            shrink();
        }
        return members;
    }

    /** The set of (start, key) as its chunks in the store hold it: one range scan. */
    private Members read(long start, String key) {
        Members members = new Members();
        try (KeyValueIterator<Bytes, byte[]> chunks = store.range(chunkKey(start, key, 0),
                chunkKey(start, key, -1))) {
            while (chunks.hasNext()) {
                KeyValue<Bytes, byte[]> chunk = chunks.next();
                List<Bytes> values = decode(chunk.value);
                members.values.addAll(values);
                members.lastChunk = chunkOf(chunk.key.get());
                members.last = chunk.value;
                members.lastCount = values.size();
            }
        }
        return members;
    }

    /** Drops the least recently used sets while the index holds more than its capacity, never the last used. */
    private void shrink() {
        Iterator<Members> eldest = index.values().iterator();
        while (indexed > capacity && index.size() > 1) {
            indexed -= eldest.next().values.size();
            eldest.remove();
        }
    }

    /** The values of one (window, key) and its last chunk, as in the store. */
    private static final class Members {
        private final Set<Bytes> values = new HashSet<>();
        /** -1 while the set is empty. */
        private int lastChunk = -1;
        private byte[] last = EMPTY;
        private int lastCount;
    }

    private static final byte[] EMPTY = {};

    /** The key of chunk {@code chunk} of ({@code start}, {@code key}); chunk -1 is the greatest, a range bound. */
    static Bytes chunkKey(long start, String key, int chunk) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(8 + 4 + k.length + 4).putLong(start ^ Long.MIN_VALUE).putInt(k.length)
                .put(k).putInt(chunk).array());
    }

    /** The smallest key of the windows starting at {@code start}: a range bound. */
    static Bytes windowPrefix(long start) {
        return Bytes.wrap(ByteBuffer.allocate(8).putLong(start ^ Long.MIN_VALUE).array());
    }

    static long startOf(byte[] chunkKey) {
        return ByteBuffer.wrap(chunkKey, 0, 8).getLong() ^ Long.MIN_VALUE;
    }

    static int chunkOf(byte[] chunkKey) {
        return ByteBuffer.wrap(chunkKey, chunkKey.length - 4, 4).getInt();
    }

    /** {@code chunk} with {@code value} appended (a new array). */
    static byte[] append(byte[] chunk, byte[] value) {
        byte[] appended = Arrays.copyOf(chunk, chunk.length + encodedSize(value));
        int position = chunk.length;
        int length = value.length;
        while ((length & ~0x7F) != 0) {
            appended[position++] = (byte) ((length & 0x7F) | 0x80);
            length >>>= 7;
        }
        appended[position++] = (byte) length;
        System.arraycopy(value, 0, appended, position, value.length);
        return appended;
    }

    /** The values of a chunk, in the order they were appended. */
    static List<Bytes> decode(byte[] chunk) {
        List<Bytes> values = new ArrayList<>();
        int position = 0;
        while (position < chunk.length) {
            int length = 0;
            int shift = 0;
            while (true) {
                if (position >= chunk.length || shift > 28) {
                    throw new SerializationException("malformed chunk of distinct values at offset " + position);
                }
                byte b = chunk[position++];
                length |= (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    break;
                }
                shift += 7;
            }
            if (length < 0 || position + length > chunk.length) {
                throw new SerializationException("chunk of distinct values truncated at offset " + position);
            }
            values.add(Bytes.wrap(Arrays.copyOfRange(chunk, position, position + length)));
            position += length;
        }
        return values;
    }

    /** The bytes {@code value} takes in a chunk: its varint length and itself. */
    static int encodedSize(byte[] value) {
        int lengthBytes = 1;
        for (int length = value.length; (length & ~0x7F) != 0; length >>>= 7) {
            lengthBytes++;
        }
        return lengthBytes + value.length;
    }
}
