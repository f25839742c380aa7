package dev.streamworks.common.time;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
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
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Entries kept by time slot and deleted slot by slot by the watermark. */
class SlottedStoreTest {

    @Nested
    class SlotArithmetic {

        @Test
        void slotsAreAlignedToTheEpochAndOrderTimesBefore1970First() {
            assertThat(SlottedStore.slotOf(0, 10)).isZero();
            assertThat(SlottedStore.slotOf(9, 10)).isZero();
            assertThat(SlottedStore.slotOf(10, 10)).isEqualTo(1);
            assertThat(SlottedStore.slotOf(-1, 10)).isEqualTo(-1);
            assertThat(SlottedStore.slotOf(-10, 10)).isEqualTo(-1);
            assertThat(SlottedStore.slotOf(-11, 10)).isEqualTo(-2);
            assertThat(SlottedStore.slotOf(Long.MIN_VALUE, 1)).isEqualTo(Long.MIN_VALUE);
            assertThat(SlottedStore.slotOf(Long.MAX_VALUE, 1)).isEqualTo(Long.MAX_VALUE);
        }

        @Test
        void aSlotIsKeptUntilItsLastTimePlusTheLifetimeReachesTheWatermark() {
            // slot 1 holds 10..19: due when 19 + 5 <= watermark
            assertThat(SlottedStore.firstKeptSlot(23, 10, 5)).as("19 + 5 > 23").isEqualTo(1);
            assertThat(SlottedStore.firstKeptSlot(24, 10, 5)).as("19 + 5 = 24: due").isEqualTo(2);
            assertThat(SlottedStore.firstKeptSlot(33, 10, 5)).isEqualTo(2);
            assertThat(SlottedStore.firstKeptSlot(34, 10, 5)).isEqualTo(3);
            assertThat(SlottedStore.firstKeptSlot(4, 10, 5)).as("slot -1 holds -10..-1").isEqualTo(0);
            assertThat(SlottedStore.firstKeptSlot(3, 10, 5)).isEqualTo(-1);
            assertThat(SlottedStore.firstKeptSlot(Long.MIN_VALUE + 4, 10, 5)).as("nothing is due")
                    .isEqualTo(SlottedStore.slotOf(Long.MIN_VALUE, 10));
            assertThat(SlottedStore.firstKeptSlot(Long.MIN_VALUE, 1, 0)).isEqualTo(Long.MIN_VALUE + 1);
            assertThat(SlottedStore.firstKeptSlot(Long.MAX_VALUE, 1, 1)).isEqualTo(Long.MAX_VALUE);
        }

        @Test
        void aSlotIsNeverDueBeforeAnyOfItsTimesAndNeverMoreThanASlotAfterTheLast() {
            Random random = new Random(7);
            for (int i = 0; i < 100_000; i++) {
                long slotMs = 1 + random.nextInt(100);
                long lifetime = random.nextInt(300);
                long watermark = random.nextInt(2_000) - 1_000;
                long time = random.nextInt(2_000) - 1_000;
                boolean due = SlottedStore.slotOf(time, slotMs) < SlottedStore.firstKeptSlot(watermark, slotMs, lifetime);
                if (due) {
                    assertThat(time + lifetime).as("due only when the time itself is").isLessThanOrEqualTo(watermark);
                }
                if (time + slotMs - 1 + lifetime <= watermark) {
                    assertThat(due).as("due at the latest one slot after its time").isTrue();
                }
            }
        }

        @Test
        void keysOrderBySlotThenSuffix() {
            byte[] a = SlottedStore.key(-1, bytes("z")).get();
            byte[] b = SlottedStore.key(0, bytes("a")).get();
            byte[] c = SlottedStore.key(0, bytes("b")).get();
            byte[] d = SlottedStore.key(1, new byte[0]).get();
            assertThat(List.of(Bytes.wrap(d), Bytes.wrap(c), Bytes.wrap(a), Bytes.wrap(b)).stream().sorted().toList())
                    .containsExactly(Bytes.wrap(a), Bytes.wrap(b), Bytes.wrap(c), Bytes.wrap(d));
            assertThat(SlottedStore.slotOfKey(c)).isZero();
            assertThat(SlottedStore.slotOfKey(a)).isEqualTo(-1);
        }

        @Test
        void refusesAnEmptySlotOrANegativeLifetime() {
            assertThatThrownBy(() -> new SlottedStore<>(null, 0, 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new SlottedStore<>(null, 1, -1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** Over a RocksDB store, as the services run it. */
    @Nested
    class OverRocksDb {

        @TempDir
        File stateDir;
        private KeyValueStore<Bytes, String> store;

        @BeforeEach
        void open() {
            Properties config = new Properties();
            config.put("application.id", "slotted-test");
            config.put("bootstrap.servers", "unused:9092");
            MockProcessorContext<Object, Object> context = new MockProcessorContext<>(config,
                    new org.apache.kafka.streams.processor.TaskId(0, 0), stateDir);
            store = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("slotted"), Serdes.Bytes(),
                    Serdes.String()).withLoggingDisabled().withCachingDisabled().build();
            store.init(context.getStateStoreContext(), store);
        }

        @AfterEach
        void close() {
            store.close();
        }

        @Test
        void looksUpOnlyTheSlotsOverlappingTheTimesWithinTheSuffixBounds() {
            SlottedStore<String> slotted = new SlottedStore<>(store, 10, 0);
            slotted.put(5, bytes("b5"), "b5");
            slotted.put(12, bytes("a12"), "a12");
            slotted.put(12, bytes("b12"), "b12");
            slotted.put(25, bytes("b25"), "b25");
            slotted.put(-3, bytes("b-3"), "b-3");

            assertThat(found(slotted, 10, 19, "a", "b~")).containsExactly("a12", "b12");
            assertThat(found(slotted, 9, 20, "b", "b~")).as("slots 0 to 2, in slot order")
                    .containsExactly("b5", "b12", "b25");
            assertThat(found(slotted, -100, 100, "b", "b~")).containsExactly("b-3", "b5", "b12", "b25");
            assertThat(found(slotted, 30, 100, "", "~")).isEmpty();
            assertThat(found(slotted, 20, 10, "", "~")).as("an empty range").isEmpty();
            assertThat(slotted.liveSlots()).containsExactly(-1L, 0L, 1L, 2L);
        }

        @Test
        void deletesWholeSlotsOnceTheirLastTimePlusTheLifetimeIsReached() {
            SlottedStore<String> slotted = new SlottedStore<>(store, 10, 5);
            for (long t : new long[] {0, 9, 10, 19, 20}) {
                slotted.put(t, bytes("e" + t), "e" + t);
            }

            assertThat(slotted.evict(Long.MIN_VALUE)).as("unknown watermark").isZero();
            assertThat(slotted.evict(13)).as("0 + 5 <= 13 but 9 + 5 > 13").isZero();
            assertThat(slotted.evict(14)).as("slot 0 (0 and 9)").isEqualTo(2);
            assertThat(contents()).containsExactly("e10", "e19", "e20");
            assertThat(slotted.evict(23)).isZero();
            assertThat(slotted.evict(24)).isEqualTo(2);
            assertThat(slotted.liveSlots()).containsExactly(2L);
            assertThat(slotted.evict(24)).as("nothing twice").isZero();
        }

        @Test
        void keepsNothingInASlotAlreadyDeleted() {
            SlottedStore<String> slotted = new SlottedStore<>(store, 10, 5);
            slotted.put(15, bytes("kept"), "kept");
            slotted.evict(24);

            assertThat(slotted.put(19, bytes("due at once"), "x")).isFalse();
            assertThat(slotted.put(20, bytes("next slot"), "y")).isTrue();
            assertThat(contents()).containsExactly("y");
        }

        @Test
        void findsItsSlotsAgainAfterARestart() {
            SlottedStore<String> before = new SlottedStore<>(store, 10, 0);
            for (long t = 0; t < 100; t += 7) {
                before.put(t, bytes("e" + t), "e" + t);
            }
            before.evict(39);

            SlottedStore<String> after = new SlottedStore<>(store, 10, 0);

            assertThat(after.liveSlots()).containsExactly(4L, 5L, 6L, 7L, 8L, 9L);
            assertThat(found(after, 40, 49, "", "~")).containsExactly("e42", "e49");
            assertThat(after.evict(59)).isEqualTo(3);
            assertThat(found(after, 0, 100, "", "~")).containsExactly("e63", "e70", "e77", "e84", "e91", "e98");
        }

        @Test
        void getsAndDeletesSingleEntriesOfASlot() {
            SlottedStore<String> slotted = new SlottedStore<>(store, 10, 0);
            slotted.put(12, bytes("id"), "first");

            assertThat(slotted.get(1, bytes("id"))).isEqualTo("first");
            assertThat(slotted.get(0, bytes("id"))).isNull();
            slotted.delete(1, bytes("id"));
            assertThat(slotted.get(1, bytes("id"))).isNull();
        }

        @Test
        void deletesASlotLargerThanOneScanInChunks() {
            SlottedStore<String> slotted = new SlottedStore<>(store, 1_000, 0);
            int entries = SlottedStore.CHUNK * 2 + 17;
            for (int i = 0; i < entries; i++) {
                slotted.put(500, bytes(String.format("%08d", i)), "v");
            }
            slotted.put(1_000, new byte[0], "next slot, empty suffix");

            assertThat(slotted.evict(999)).isEqualTo(entries);
            assertThat(contents()).containsExactly("next slot, empty suffix");
        }

        @Test
        void agreesWithAPlainMapOverRandomPutsLookupsEvictionsAndRestarts() {
            long seed = new Random().nextLong();
            Random random = new Random(seed);
            long slotMs = 1 + random.nextInt(20);
            long lifetime = random.nextInt(30);
            SlottedStore<String> slotted = new SlottedStore<>(store, slotMs, lifetime);
            // every entry ever kept (time -> values); evicted ones are checked by their time
            TreeMap<String, Long> model = new TreeMap<>();
            long watermark = Long.MIN_VALUE;
            for (int step = 0; step < 3_000; step++) {
                int action = random.nextInt(10);
                if (action < 6) {
                    long time = (watermark == Long.MIN_VALUE ? 0 : watermark) + random.nextInt(60) - 20;
                    String id = String.format("%06d@%d", step, time);
                    boolean kept = slotted.put(time, bytes(id), id);
                    if (kept) {
                        model.put(id, time);
                    } else {
                        assertThat(time + lifetime).as("seed %d: only a due entry is refused", seed)
                                .isLessThanOrEqualTo(watermark);
                    }
                } else if (action < 8) {
                    watermark = Math.max(watermark, (watermark == Long.MIN_VALUE ? 0 : watermark) + random.nextInt(15));
                    slotted.evict(watermark);
                    long w = watermark;
                    model.values().removeIf(time -> SlottedStore.slotOf(time, slotMs)
                            < SlottedStore.firstKeptSlot(w, slotMs, lifetime));
                    for (long time : model.values()) {
                        assertThat(time + lifetime).as("seed %d: kept at most a slot past due", seed).isGreaterThan(w - slotMs + 1);
                    }
                } else if (action < 9) {
                    long from = (watermark == Long.MIN_VALUE ? 0 : watermark) + random.nextInt(60) - 40;
                    long to = from + random.nextInt(40);
                    List<String> expected = model.entrySet().stream()
                            .filter(e -> SlottedStore.slotOf(e.getValue(), slotMs) >= SlottedStore.slotOf(from, slotMs)
                                    && SlottedStore.slotOf(e.getValue(), slotMs) <= SlottedStore.slotOf(to, slotMs))
                            .sorted((x, y) -> {
                                int bySlot = Long.compare(SlottedStore.slotOf(x.getValue(), slotMs),
                                        SlottedStore.slotOf(y.getValue(), slotMs));
                                return bySlot != 0 ? bySlot : x.getKey().compareTo(y.getKey());
                            })
                            .map(e -> e.getKey()).toList();
                    assertThat(found(slotted, from, to, "", "~")).as("seed %d", seed).isEqualTo(expected);
                } else {
                    slotted = new SlottedStore<>(store, slotMs, lifetime);
                }
                assertThat(contents()).as("seed %d", seed).containsExactlyInAnyOrderElementsOf(model.keySet());
            }
        }

        private List<String> found(SlottedStore<String> slotted, long from, long to, String lower, String upper) {
            List<String> found = new ArrayList<>();
            slotted.range(from, to, bytes(lower), bytes(upper), found::add);
            return found;
        }

        private List<String> contents() {
            List<String> values = new ArrayList<>();
            try (KeyValueIterator<Bytes, String> all = store.all()) {
                while (all.hasNext()) {
                    KeyValue<Bytes, String> entry = all.next();
                    values.add(entry.value);
                }
            }
            return values;
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
