package dev.streamworks.clickstream.processor;

import dev.streamworks.common.time.SlottedStore;

import dev.streamworks.clickstream.domain.DedupRule;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The counted copies by time slot, over a plain key-value store, against the rule of docs/semantics.md section 4. */
class DedupIdsTest {

    private static final long W = 10;
    /** One context for every store: each one built logs Kafka Streams' config warnings. */
    private static final MockProcessorContext<Void, Void> CONTEXT = new MockProcessorContext<>();

    private KeyValueStore<Bytes, byte[]> store;
    private DedupIds ids;

    @BeforeEach
    void open() {
        store = newStore();
        ids = new DedupIds(store, W);
    }

    private static KeyValueStore<Bytes, byte[]> newStore() {
        KeyValueStore<Bytes, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("ids"),
                Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build();
        store.init(CONTEXT.getStateStoreContext(), store);
        return store;
    }

    private static List<KeyValue<Bytes, byte[]>> entries(KeyValueStore<Bytes, byte[]> store) {
        List<KeyValue<Bytes, byte[]>> all = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> entries = store.all()) {
            entries.forEachRemaining(all::add);
        }
        return all;
    }

    @Test
    @DisplayName("a copy is dropped against the latest counted one, also across a slot boundary and at ties of a window")
    void shouldDropACopyInsideTheWindowAndCountOneAWindowApart() {
        assertThat(ids.admit("u\0e", 5, 8)).isTrue();
        assertThat(ids.admit("u\0e", 5, 17)).as("read in the next slot, 9 later").isFalse();
        assertThat(ids.admit("u\0e", 15, 17)).as("event time a window later").isTrue();
        assertThat(ids.admit("u\0e", 15, 27)).as("read a window after the latest counted copy").isTrue();
        assertThat(ids.admit("u\0f", 15, 27)).as("another id").isTrue();
        assertThat(ids.admit("v\0e", 15, 27)).as("another user").isTrue();
    }

    @Test
    @DisplayName("a slot is deleted when the watermark passes its last read watermark plus the window, not before")
    void shouldKeepACopyUntilTheWatermarkPassesItsSlotPlusTheWindow() {
        // given: a copy read at 15, in the slot [10, 20)
        ids.admit("u\0e", 15, 15);

        // when, then: today's index would delete it at 25; the slot goes at 29
        ids.evict(25);
        assertThat(entries(store)).hasSize(1);
        ids.evict(28);
        assertThat(entries(store)).hasSize(1);
        ids.evict(29);
        assertThat(entries(store)).isEmpty();
        assertThat(ids.liveSlots()).isEmpty();
    }

    @Test
    @DisplayName("a copy read in an older slot than the latest counted one, from a partition behind, replaces it and every entry between")
    void shouldMeetTheLatestCopyWhenAPartitionBehindCountsOneInAnOlderSlot() {
        // given: A read at 15 (slot 1); B at 35 (slot 3) does not look back at slot 1 and leaves A there
        assertThat(ids.admit("u\0e", 10, 15)).isTrue();
        assertThat(ids.admit("u\0e", 40, 35)).isTrue();
        // when: C, read at 5 on a partition behind, is counted in slot 0
        assertThat(ids.admit("u\0e", 40, 5)).as("a duplicate of B, met first").isFalse();
        assertThat(ids.admit("u\0e", 100, 5)).isTrue();

        // then: D (event time of A) is compared with C, the latest counted copy, not with A
        assertThat(ids.admit("u\0e", 10, 12)).isTrue();
        assertThat(entries(store)).extracting(e -> SlottedStore.slotOfKey(e.key.get())).containsExactly(1L);
    }

    @Test
    @DisplayName("a copy read behind evicted slots is counted, replaces the latest copy and is not kept")
    void shouldNotKeepACopyInAnEvictedSlot() {
        ids.admit("u\0e", 45, 45);
        ids.evict(40);

        assertThat(ids.admit("u\0e", 200, 15)).isTrue();

        assertThat(entries(store)).isEmpty();
        assertThat(ids.admit("u\0e", 45, 46)).as("no copy left").isTrue();
    }

    @Test
    @DisplayName("after a restart the slots are found again from the store")
    void shouldFindTheSlotsAgainAfterARestart() {
        // given
        ids.admit("u\0a", 1, 5);
        ids.admit("u\0b", 1, 15);
        ids.admit("u\0c", 1, 45);
        ids.admit("u\0d", 1, 46);
        List<Long> slots = ids.liveSlots();

        // when
        DedupIds restarted = new DedupIds(store, W);

        // then
        assertThat(restarted.liveSlots()).isEqualTo(slots).containsExactly(0L, 1L, 4L);
        assertThat(restarted.admit("u\0c", 1, 47)).isFalse();
        restarted.evict(29);
        assertThat(restarted.liveSlots()).containsExactly(4L);
        assertThat(restarted.admit("u\0b", 1, 47)).isTrue();
    }

    @Test
    @DisplayName("the rule over random clicks of several partitions, watermark advances and restarts (seed printed on failure)")
    void shouldDecideEveryClickAsTheRuleWithoutEviction() {
        long base = Long.getLong("dedup.seed", new SplittableRandom().nextLong());
        int runs = Long.getLong("dedup.seed") == null ? 400 : 1;
        for (int run = 0; run < runs; run++) {
            long seed = base + run;
            try {
                sequence(seed);
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + " (again with -Ddedup.seed=" + seed + "): " + e.getMessage(), e);
            }
        }
    }

    /** One random sequence: the slots' decisions against a plain map of the latest counted copy per key. */
    private static void sequence(long seed) {
        Random random = new Random(seed);
        KeyValueStore<Bytes, byte[]> store = newStore();
        DedupIds ids = new DedupIds(store, W);
        int partitions = 1 + random.nextInt(4);
        long[] pst = new long[partitions];
        for (int p = 0; p < partitions; p++) {
            // a partition may start several windows behind the others
            pst[p] = random.nextInt(5 * (int) W) - (random.nextInt(4) == 0 ? random.nextInt(4 * (int) W) : 0);
        }
        int users = 1 + random.nextInt(3);
        int eventIds = 1 + random.nextInt(6);
        Map<String, long[]> latest = new HashMap<>();
        long watermark = Long.MIN_VALUE;
        for (int step = 0; step < 300; step++) {
            int action = random.nextInt(100);
            if (action < 10) {
                watermark = Math.max(watermark, Arrays.stream(pst).min().orElseThrow());
                ids.evict(watermark);
                checkEviction(store, latest, watermark, step);
                continue;
            }
            if (action < 13) {
                ids = new DedupIds(store, W);
                continue;
            }
            int p = random.nextInt(partitions);
            pst[p] += switch (random.nextInt(10)) {
                case 0, 1, 2, 3, 4, 5 -> random.nextInt(3);
                case 6, 7 -> random.nextInt((int) W + 2);
                case 8 -> random.nextInt(3 * (int) W);
                default -> 0;
            };
            String key = "u" + random.nextInt(users) + '\0' + "e" + random.nextInt(eventIds);
            long[] counted = latest.get(key);
            if (counted != null && random.nextInt(3) == 0) {
                // read at a tie (or one off) with the counted copy's read watermark
                pst[p] = Math.max(pst[p], counted[1] + W - 1 + random.nextInt(3));
            }
            long time;
            if (counted != null && random.nextBoolean()) {
                // at a tie (or one off) with the counted copy's event time, or the same
                long[] offsets = {-W - 1, -W, -W + 1, -1, 0, 1, W - 1, W, W + 1};
                time = counted[0] + offsets[random.nextInt(offsets.length)];
            } else {
                time = pst[p] - random.nextInt(2 * (int) W);
            }
            pst[p] = Math.max(pst[p], time);
            long rwm = pst[p];
            // the processor evicts before every record, with the watermark as it is
            ids.evict(watermark);

            boolean duplicate = counted != null && Math.abs(time - counted[0]) < W && rwm - counted[1] < W;
            boolean admitted = ids.admit(key, time, rwm);

            assertThat(admitted).as("step %d: %s at %d read at %d, latest counted %s, watermark %d", step,
                    key.replace('\0', '/'), time, rwm, counted == null ? "none" : Arrays.toString(counted), watermark)
                    .isEqualTo(!duplicate);
            if (partitions == 1) {
                assertThat(ids.lastReads()).as("step %d: reads, one partition", step).isLessThanOrEqualTo(2);
            }
            if (!duplicate) {
                latest.put(key, new long[] {time, rwm});
            }
        }
        long end = Arrays.stream(pst).max().orElseThrow() + 2 * W;
        ids.evict(end);
        assertThat(entries(store)).as("everything evicted at %d", end).isEmpty();
    }

    /** Dead slots are gone; every latest counted copy a click to come could meet is there. */
    private static void checkEviction(KeyValueStore<Bytes, byte[]> store, Map<String, long[]> latest, long watermark,
                                      int step) {
        long oldest = DedupRule.oldestUsefulSlot(watermark, W);
        assertThat(entries(store)).as("step %d: no entry before slot %d", step, oldest)
                .allSatisfy(e -> assertThat(SlottedStore.slotOfKey(e.key.get())).isGreaterThanOrEqualTo(oldest));
        latest.forEach((key, copy) -> {
            if (copy[1] + W > watermark) {
                byte[] value = store.get(SlottedStore.key(
                        DedupRule.slotOf(copy[1], W),
                        key.getBytes(StandardCharsets.UTF_8)));
                assertThat(value).as("step %d: %s kept until its read watermark + window", step, key.replace('\0', '/'))
                        .isEqualTo(DedupIds.encode(copy[0], copy[1]));
            }
        });
    }
}
