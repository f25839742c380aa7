package dev.streamworks.common.time;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The distinct values of each (window, key) in append-only chunks, and their in-memory index. */
class DistinctSetsTest {

    @Nested
    class Encoding {

        @Test
        void aChunkDecodesToTheValuesAppendedInOrder() {
            List<byte[]> values = List.of(bytes(""), bytes("u1"), bytes("ünïcødé"), new byte[127], new byte[128],
                    new byte[20_000]);
            byte[] chunk = {};
            for (byte[] value : values) {
                chunk = DistinctSets.append(chunk, value);
            }

            assertThat(DistinctSets.decode(chunk)).containsExactlyElementsOf(values.stream().map(Bytes::wrap).toList());
            assertThat(chunk).hasSize(values.stream().mapToInt(DistinctSets::encodedSize).sum());
            assertThat(DistinctSets.encodedSize(new byte[127])).isEqualTo(128);
            assertThat(DistinctSets.encodedSize(new byte[128])).as("a two-byte varint").isEqualTo(130);
        }

        @Test
        void aTruncatedChunkIsASerializationError() {
            byte[] chunk = DistinctSets.append(new byte[0], bytes("user"));

            assertThatThrownBy(() -> DistinctSets.decode(java.util.Arrays.copyOf(chunk, chunk.length - 1)))
                    .isInstanceOf(SerializationException.class);
            assertThatThrownBy(() -> DistinctSets.decode(new byte[] {(byte) 0x80}))
                    .isInstanceOf(SerializationException.class);
        }

        @Test
        void chunkKeysOrderByWindowStartThenKeyThenChunkNumber() {
            Bytes before1970 = DistinctSets.chunkKey(-300_000, "p", 5);
            Bytes first = DistinctSets.chunkKey(0, "p", 0);
            Bytes second = DistinctSets.chunkKey(0, "p", 1);
            Bytes last = DistinctSets.chunkKey(0, "p", 300);
            Bytes nextWindow = DistinctSets.chunkKey(300_000, "", 0);

            assertThat(List.of(before1970, first, second, last, nextWindow)).isSorted();
            assertThat(DistinctSets.windowPrefix(0)).isLessThan(first).isGreaterThan(before1970);
            assertThat(DistinctSets.startOf(before1970.get())).isEqualTo(-300_000);
            assertThat(DistinctSets.chunkOf(last.get())).isEqualTo(300);
        }

        @Test
        void theChunksOfOneWindowAndKeyAreARangeHoldingNoOtherKey() {
            // length-prefixed keys: ("a|b") and ("a") with a chunk number that reads as "|b" differ
            Bytes lower = DistinctSets.chunkKey(0, "a", 0);
            Bytes upper = DistinctSets.chunkKey(0, "a", -1);
            for (String other : List.of("", "a|b", "a\u0000", "b", "ab", "a\u0000\u0000\u0000\u0000")) {
                for (int chunk : new int[] {0, 1, 0x7C62, -1}) {
                    Bytes key = DistinctSets.chunkKey(0, other, chunk);
                    assertThat(key.compareTo(lower) >= 0 && key.compareTo(upper) <= 0).as("%s #%d", other, chunk)
                            .isFalse();
                }
            }
        }
    }

    @Nested
    class InAStore {

        @TempDir
        File stateDir;
        KeyValueStore<Bytes, byte[]> store;

        @BeforeEach
        void open() {
            store = openStore(stateDir);
        }

        @AfterEach
        void close() {
            store.close();
        }

        @Test
        void newValuesFillAChunkThenStartTheNext() {
            DistinctSets sets = new DistinctSets(store, 1_000);

            for (int i = 0; i < DistinctSets.CHUNK_VALUES + 1; i++) {
                assertThat(sets.add(0, "p", DistinctSets.value("u" + i))).isTrue();
            }
            assertThat(sets.add(0, "p", DistinctSets.value("u0"))).as("known").isFalse();

            Map<Integer, List<Bytes>> chunks = chunks(store);
            assertThat(chunks).containsOnlyKeys(0, 1);
            assertThat(chunks.get(0)).hasSize(DistinctSets.CHUNK_VALUES);
            assertThat(chunks.get(1)).containsExactly(DistinctSets.value("u" + DistinctSets.CHUNK_VALUES));
        }

        @Test
        void aChunkHoldsAFewKilobytesAndALargerValueHasAChunkOfItsOwn() {
            DistinctSets sets = new DistinctSets(store, 1_000);
            String large = "x".repeat(DistinctSets.CHUNK_BYTES * 2);

            sets.add(0, "p", DistinctSets.value("a".repeat(DistinctSets.CHUNK_BYTES / 2)));
            sets.add(0, "p", DistinctSets.value(large));
            sets.add(0, "p", DistinctSets.value("b".repeat(DistinctSets.CHUNK_BYTES / 2)));
            sets.add(0, "p", DistinctSets.value("c"));

            Map<Integer, List<Bytes>> chunks = chunks(store);
            assertThat(chunks).hasSize(3);
            assertThat(chunks.get(1)).containsExactly(DistinctSets.value(large));
            assertThat(chunks.get(2)).hasSize(2);
        }

        @Test
        void aNewInstanceReadsTheSetsBackFromTheStoreAndAppendsToTheLastChunk() {
            DistinctSets before = new DistinctSets(store, 1_000);
            for (int i = 0; i < 70; i++) {
                before.add(0, "p", DistinctSets.value("u" + i));
            }

            DistinctSets after = new DistinctSets(store, 1_000);

            assertThat(after.contains(0, "p", DistinctSets.value("u69"))).isTrue();
            assertThat(after.contains(0, "q", DistinctSets.value("u69"))).isFalse();
            assertThat(after.add(0, "p", DistinctSets.value("u70"))).isTrue();
            assertThat(chunks(store).get(1)).hasSize(7);
            assertThat(after.rebuilds()).as("one scan per (window, key)").isEqualTo(2);
        }

        @Test
        void closingWindowsDeletesTheirChunksAndForgetsThem() {
            DistinctSets sets = new DistinctSets(store, 1_000);
            for (long start : new long[] {-300_000, 0, 300_000}) {
                for (int i = 0; i < 100; i++) {
                    sets.add(start, "p" + (i % 3), DistinctSets.value("u" + i));
                }
            }

            int deleted = sets.deleteUpTo(Long.MIN_VALUE, 0);

            assertThat(deleted).isEqualTo(6);
            assertThat(chunks(store).keySet()).as("the chunks of window 300000 are left").hasSize(1);
            assertThat(sets.indexedSets()).isEqualTo(3);
            assertThat(sets.contains(0, "p0", DistinctSets.value("u0"))).isFalse();
            assertThat(sets.contains(300_000, "p0", DistinctSets.value("u0"))).isTrue();
        }

        @Test
        void theIndexHoldsAtMostItsCapacityBesidesTheSetInUse() {
            DistinctSets sets = new DistinctSets(store, 10);
            for (int i = 0; i < 30; i++) {
                sets.add(0, "big", DistinctSets.value("u" + i));
            }
            assertThat(sets.indexedValues()).as("the set in use is kept whole").isEqualTo(30);

            sets.add(0, "small", DistinctSets.value("u0"));

            assertThat(sets.indexedValues()).isEqualTo(1);
            assertThat(sets.contains(0, "big", DistinctSets.value("u29"))).as("read again").isTrue();
        }
    }

    /**
     * A seeded random sequence of adds, membership questions, window closes, re-initializations and
     * aborted transactions against a plain set per (window, key): the answers must be the same, and
     * the store must hold exactly the sets, each value once, in chunks within their bounds.
     */
    @Test
    void randomOperationsAnswerAsAPlainSetPerWindowAndKey(@TempDir File stateDir) {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        KeyValueStore<Bytes, byte[]> store = openStore(stateDir);
        try {
            Map<WindowKey, Set<Bytes>> model = new HashMap<>();
            Map<WindowKey, Set<Bytes>> committedModel = new HashMap<>();
            TreeMap<Bytes, byte[]> committedStore = new TreeMap<>();
            int capacity = random.nextInt(400);
            DistinctSets sets = new DistinctSets(store, capacity);
            long windowMs = 300_000;
            long closedUpTo = -windowMs;
            long committedClosedUpTo = closedUpTo;
            long newest = 0;
            int reinits = 0;
            int aborts = 0;
            int closes = 0;
            for (int step = 0; step < 30_000; step++) {
                int op = random.nextInt(1_000);
                if (op < 3) {
                    // a task closed (clean or not) and re-initialized: the store as it is, a new index
                    sets = new DistinctSets(store, capacity);
                    reinits++;
                } else if (op < 6) {
                    // an aborted transaction: the store and the sets back to the last commit, a new index
                    restore(store, committedStore);
                    model = copy(committedModel);
                    sets = new DistinctSets(store, capacity);
                    closedUpTo = committedClosedUpTo;
                    aborts++;
                } else if (op < 16) {
                    committedStore = snapshot(store);
                    committedModel = copy(model);
                    committedClosedUpTo = closedUpTo;
                } else if (op < 22) {
                    long lastClosed = closedUpTo + windowMs * (1 + random.nextInt(2));
                    if (lastClosed <= newest) {
                        sets.deleteUpTo(closedUpTo + 1, lastClosed);
                        long last = lastClosed;
                        model.keySet().removeIf(window -> window.start() <= last);
                        closedUpTo = lastClosed;
                        closes++;
                    }
                } else {
                    long start = closedUpTo + windowMs * (1 + random.nextInt(3));
                    newest = Math.max(newest, start);
                    String key = "k" + random.nextInt(4);
                    // a few values that repeat a lot, many that repeat rarely, and some long ones
                    int kind = random.nextInt(10);
                    String text = kind < 5 ? "u" + random.nextInt(20) : kind < 9 ? "v" + random.nextInt(2_000)
                            : "w".repeat(random.nextInt(300)) + random.nextInt(50);
                    Bytes value = DistinctSets.value(text);
                    Set<Bytes> expected = model.computeIfAbsent(new WindowKey(start, key), w -> new HashSet<>());
                    assertThat(sets.contains(start, key, value)).as("contains %s in %d/%s, seed %d step %d", text,
                            start, key, seed, step).isEqualTo(expected.contains(value));
                    if (random.nextBoolean()) {
                        assertThat(sets.add(start, key, value)).as("add %s, seed %d step %d", text, seed, step)
                                .isEqualTo(expected.add(value));
                    }
                }
            }
            assertThat(stored(store)).as("the store holds the sets, seed %d", seed).isEqualTo(nonEmpty(model));
            assertThat(reinits + aborts + closes).as("re-inits, aborts and closes happened, seed %d", seed)
                    .isGreaterThan(3);
            DistinctSets fresh = new DistinctSets(store, capacity);
            model.forEach((window, values) -> values.forEach(value -> assertThat(
                    fresh.contains(window.start(), window.key(), value)).as("seed %d", seed).isTrue()));
        } finally {
            store.close();
        }
    }

    /** The sets as the store holds them, checking each chunk's bounds and that no value is stored twice. */
    private static Map<WindowKey, Set<Bytes>> stored(KeyValueStore<Bytes, byte[]> store) {
        Map<WindowKey, Set<Bytes>> sets = new HashMap<>();
        Map<WindowKey, Integer> nextChunk = new HashMap<>();
        try (KeyValueIterator<Bytes, byte[]> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<Bytes, byte[]> chunk = all.next();
                byte[] key = chunk.key.get();
                int keyLength = java.nio.ByteBuffer.wrap(key, 8, 4).getInt();
                WindowKey window = new WindowKey(DistinctSets.startOf(key),
                        new String(key, 12, keyLength, StandardCharsets.UTF_8));
                assertThat(DistinctSets.chunkOf(key)).as("chunks numbered from 0 without gaps")
                        .isEqualTo(nextChunk.merge(window, 1, Integer::sum) - 1);
                List<Bytes> values = DistinctSets.decode(chunk.value);
                assertThat(values).isNotEmpty().hasSizeLessThanOrEqualTo(DistinctSets.CHUNK_VALUES);
                if (values.size() > 1) {
                    assertThat(chunk.value.length).isLessThanOrEqualTo(DistinctSets.CHUNK_BYTES);
                }
                Set<Bytes> set = sets.computeIfAbsent(window, w -> new HashSet<>());
                values.forEach(value -> assertThat(set.add(value)).as("stored once: %s", value).isTrue());
            }
        }
        return sets;
    }

    private static Map<WindowKey, Set<Bytes>> nonEmpty(Map<WindowKey, Set<Bytes>> model) {
        Map<WindowKey, Set<Bytes>> sets = new HashMap<>();
        model.forEach((window, values) -> {
            if (!values.isEmpty()) {
                sets.put(window, values);
            }
        });
        return sets;
    }

    private static Map<WindowKey, Set<Bytes>> copy(Map<WindowKey, Set<Bytes>> model) {
        Map<WindowKey, Set<Bytes>> copy = new HashMap<>();
        model.forEach((window, values) -> copy.put(window, new HashSet<>(values)));
        return copy;
    }

    private static TreeMap<Bytes, byte[]> snapshot(KeyValueStore<Bytes, byte[]> store) {
        TreeMap<Bytes, byte[]> snapshot = new TreeMap<>();
        try (KeyValueIterator<Bytes, byte[]> all = store.all()) {
            all.forEachRemaining(entry -> snapshot.put(entry.key, entry.value));
        }
        return snapshot;
    }

    private static void restore(KeyValueStore<Bytes, byte[]> store, TreeMap<Bytes, byte[]> snapshot) {
        snapshot(store).keySet().forEach(store::delete);
        snapshot.forEach(store::put);
    }

    private static Map<Integer, List<Bytes>> chunks(KeyValueStore<Bytes, byte[]> store) {
        Map<Integer, List<Bytes>> chunks = new TreeMap<>();
        snapshot(store).forEach((key, value) -> chunks.put(DistinctSets.chunkOf(key.get()), DistinctSets.decode(value)));
        return chunks;
    }

    private static KeyValueStore<Bytes, byte[]> openStore(File stateDir) {
        Properties config = new Properties();
        config.put("application.id", "distinct-sets-test");
        config.put("bootstrap.servers", "unused:9092");
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>(config, new TaskId(0, 0), stateDir);
        KeyValueStore<Bytes, byte[]> store = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("distinct"),
                Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().withCachingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
