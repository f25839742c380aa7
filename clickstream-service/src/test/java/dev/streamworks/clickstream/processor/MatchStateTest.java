package dev.streamworks.clickstream.processor;

import dev.streamworks.clickstream.ClickstreamProperties;
import dev.streamworks.common.event.Click;
import dev.streamworks.common.event.Impression;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The join's state over RocksDB stores, against the batch definition of docs/semantics.md section 4:
 * every pair of records that are not late (by their read watermark), same user, {@code
 * impression_time <= click_time <= impression_time + interval}, once; and the late records.
 */
class MatchStateTest {

    private static final long MINUTE = 60_000;
    private static final long HOUR = 60 * MINUTE;
    private static final ClickstreamProperties.Matches RULE = ClickstreamProperties.defaults().matches();
    private static final long INTERVAL = RULE.interval().toMillis();
    private static final long CLICK_GRACE = RULE.clickGrace().toMillis();
    private static final long IMPRESSION_GRACE = RULE.impressionGrace().toMillis();
    /** A slot start well after 1970: the slot boundaries are the multiples of the interval. */
    private static final long T0 = 490_000 * HOUR;

    @TempDir
    File stateDir;
    private KeyValueStore<Bytes, Impression> impressionStore;
    private KeyValueStore<Bytes, Click> clickStore;
    /** The records of the current run so far. */
    private final List<Sent> keptSoFar = new ArrayList<>();
    /** Over all runs: pairs at exactly the interval, records at exactly their grace (late), pairs, late. */
    private final int[] seen = new int[4];

    @BeforeEach
    void open() {
        Properties config = new Properties();
        config.put("application.id", "match-state-test");
        config.put("bootstrap.servers", "unused:9092");
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>(config, new TaskId(0, 0), stateDir);
        impressionStore = MatchState.impressionsStore().withLoggingDisabled().build();
        impressionStore.init(context.getStateStoreContext(), impressionStore);
        clickStore = MatchState.clicksStore().withLoggingDisabled().build();
        clickStore.init(context.getStateStoreContext(), clickStore);
    }

    @AfterEach
    void close() {
        impressionStore.close();
        clickStore.close();
    }

    /** One input record as the join's task sees it: its read watermark and the partition it came from. */
    private record Sent(boolean click, String id, String user, long time, long rwm, long offset) {
    }

    private record Pair(String impressionId, String clickId) {
    }

    @Test
    void slotsAreTheIntervalSoALookupIsTwoScans() {
        assertThat(MatchState.slotMs(RULE)).isEqualTo(HOUR);
        assertThat(T0 % HOUR).isZero();
    }

    @Test
    void emitsEveryPairOfRecordsThatAreNotLateOnceOverRandomInterleavings() {
        for (int run = 0; run < 40; run++) {
            long seed = new Random().nextLong();
            try {
                checkOneRun(seed);
            } catch (AssertionError | RuntimeException failure) {
                throw new AssertionError("seed " + seed + " (re-run with checkOneRun(" + seed + "L))", failure);
            }
            clear(impressionStore);
            clear(clickStore);
        }
        assertThat(Arrays.stream(seen).boxed().toList()).as("ties at the interval and the graces, pairs, late records")
                .allSatisfy(count -> assertThat(count).isGreaterThan(20));
    }

    /**
     * Clicks and impressions of a few users from four input partitions (two per side) that advance at
     * their own pace, event times on whole minutes (ties at the interval, the graces and the slot
     * boundaries are frequent) with a millisecond off now and then, some out of order and some late;
     * the watermark (at most the minimum of the partitions' stream times) evicts between records at
     * random moments, and the task restarts now and then (the slots kept in memory are lost).
     */
    private void checkOneRun(long seed) {
        Random random = new Random(seed);
        long[] streamTime = new long[4];
        Arrays.fill(streamTime, Long.MIN_VALUE);
        long watermark = Long.MIN_VALUE;
        List<Sent> sent = new ArrayList<>();
        List<Pair> emitted = new ArrayList<>();
        List<String> late = new ArrayList<>();
        MatchState state = new MatchState(RULE, impressionStore, clickStore);
        int records = 200 + random.nextInt(400);
        for (int n = 0; n < records; n++) {
            // the partition furthest behind half of the time, so the four stay within the interval
            int partition = random.nextBoolean() ? random.nextInt(4) : behind(streamTime);
            boolean click = partition < 2;
            long base = streamTime[partition] == Long.MIN_VALUE ? T0 + random.nextInt(30) * MINUTE
                    : streamTime[partition];
            // mostly ahead by a few minutes, sometimes behind (out of order, up to late by the graces)
            long time = base + (random.nextInt(100) < 70 ? random.nextInt(6) : -random.nextInt(16)) * MINUTE;
            if (random.nextInt(10) == 0) {
                time += random.nextBoolean() ? 1 : -1;
            }
            streamTime[partition] = Math.max(streamTime[partition], time);
            Sent record = new Sent(click, (click ? "c" : "i") + n, "u" + random.nextInt(3), time,
                    streamTime[partition], n);
            sent.add(record);

            long low = Arrays.stream(streamTime).min().getAsLong();
            if (low != Long.MIN_VALUE && random.nextInt(3) > 0) {
                // the watermark the task knows: behind the partitions' minimum by up to a few minutes
                long candidate = low - random.nextInt(4) * MINUTE;
                watermark = Math.max(watermark, candidate);
            }
            if (random.nextInt(50) == 0) {
                state = new MatchState(RULE, impressionStore, clickStore);
            }
            state.evict(watermark);
            assertKeptAsLongAsUsefulAndAtMostASlotMore(watermark);
            boolean counted;
            if (click) {
                Click c = click(record);
                counted = state.click(c, record.rwm(), record.offset(),
                        impression -> emitted.add(new Pair(impression.impressionId(), c.eventId())));
            } else {
                Impression i = impression(record);
                counted = state.impression(i, record.rwm(), record.offset(),
                        c -> emitted.add(new Pair(i.impressionId(), c.eventId())));
            }
            if (!counted) {
                late.add(record.id());
            }
            keptSoFar.add(record);
        }

        List<Pair> expected = expectedPairs(sent);
        assertThat(late).containsExactlyInAnyOrderElementsOf(expectedLate(sent));
        assertThat(emitted).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
        keptSoFar.clear();
        seen[2] += expected.size();
        seen[3] += late.size();
        for (Sent record : sent) {
            if (record.time() + (record.click() ? CLICK_GRACE : IMPRESSION_GRACE) == record.rwm()) {
                seen[1]++;
            }
        }
        for (Sent impression : sent) {
            for (Sent click : sent) {
                if (click.click() && !impression.click() && impression.user().equals(click.user())
                        && click.time() - impression.time() == INTERVAL) {
                    seen[0]++;
                }
            }
        }

        state.evict(Long.MAX_VALUE - 1);
        assertThat(count(impressionStore) + count(clickStore)).as("everything goes in the end").isZero();
    }

    /**
     * What is in the stores after an eviction at {@code watermark}: every record that is not late and
     * could still match a record to come ({@code time + lifetime > watermark}) is there, and nothing
     * is more than a slot past that point.
     */
    private void assertKeptAsLongAsUsefulAndAtMostASlotMore(long watermark) {
        long slot = MatchState.slotMs(RULE);
        List<String> inStores = new ArrayList<>();
        forEach(impressionStore, i -> {
            inStores.add(i.impressionId());
            assertThat(i.eventTime().toEpochMilli() + INTERVAL + CLICK_GRACE + slot - 1)
                    .as("impression %s at watermark %d", i.impressionId(), watermark).isGreaterThan(watermark);
        });
        forEach(clickStore, c -> {
            inStores.add(c.eventId());
            assertThat(c.eventTime().toEpochMilli() + IMPRESSION_GRACE + slot - 1)
                    .as("click %s at watermark %d", c.eventId(), watermark).isGreaterThan(watermark);
        });
        for (Sent record : keptSoFar) {
            long lifetime = record.click() ? IMPRESSION_GRACE : INTERVAL + CLICK_GRACE;
            if (!isLate(record) && record.time() + lifetime > watermark) {
                assertThat(inStores).as("useful record %s at watermark %d", record.id(), watermark)
                        .contains(record.id());
            }
        }
    }

    @Test
    void aRecordKeptPastItsLifetimeMatchesNothingThatIsNotLate() {
        MatchState state = new MatchState(RULE, impressionStore, clickStore);
        List<Pair> emitted = new ArrayList<>();
        // an impression at the start of a slot: due at T0 + 1 h + 5 min, its slot at T0 + 2 h + 5 min - 1 ms
        Impression early = new Impression("early", "u", "p", Instant.ofEpochMilli(T0));
        // a click at the start of a slot: due at T0 + 10 min, its slot at T0 + 1 h + 10 min - 1 ms
        Click clicked = click(new Sent(true, "clicked", "u", T0, T0, 1));
        assertThat(state.impression(early, T0, 0, c -> emitted.add(new Pair("early", c.eventId())))).isTrue();
        assertThat(state.click(clicked, T0, 1, i -> emitted.add(new Pair(i.impressionId(), "clicked")))).isTrue();
        assertThat(emitted).containsExactly(new Pair("early", "clicked"));
        emitted.clear();

        long watermark = T0 + INTERVAL + CLICK_GRACE;
        state.evict(watermark);
        assertThat(state.impressions().liveSlots()).as("both still kept").contains(T0 / HOUR);
        assertThat(state.clicks().liveSlots()).contains(T0 / HOUR);

        // the latest click that is not late at that watermark: T0 + 1 h + 1 ms, after the interval
        Click after = click(new Sent(true, "after", "u", T0 + INTERVAL + 1, watermark, 2));
        assertThat(state.click(after, watermark, 2, i -> emitted.add(new Pair(i.impressionId(), "after")))).isTrue();
        // a click at exactly the interval is late by then
        Click tied = click(new Sent(true, "tied", "u", T0 + INTERVAL, watermark, 3));
        assertThat(state.click(tied, watermark, 3, i -> emitted.add(new Pair(i.impressionId(), "tied")))).isFalse();
        // the earliest impression that is not late: T0 + 55 min + 1 ms, after the kept click
        Impression later = new Impression("later", "u", "p", Instant.ofEpochMilli(watermark - IMPRESSION_GRACE + 1));
        assertThat(state.impression(later, watermark, 4, c -> emitted.add(new Pair("later", c.eventId())))).isTrue();

        assertThat(emitted).as("only the new click and the new impression, with each other")
                .containsExactly(new Pair("later", "after"));
        state.evict(T0 + 2 * HOUR + CLICK_GRACE - 2);
        assertThat(state.clicks().liveSlots()).as("the clicks' first slot went at T0 + 1 h + 10 min - 1 ms")
                .doesNotContain(T0 / HOUR);
        assertThat(state.impressions().liveSlots()).contains(T0 / HOUR);
        state.evict(T0 + 2 * HOUR + CLICK_GRACE - 1);
        assertThat(state.impressions().liveSlots()).doesNotContain(T0 / HOUR);
    }

    @Test
    void matchesAtTheIntervalAndAcrossASlotBoundary() {
        MatchState state = new MatchState(RULE, impressionStore, clickStore);
        List<Pair> emitted = new ArrayList<>();
        Impression last = new Impression("last", "u", "p", Instant.ofEpochMilli(T0 - 1));
        Impression first = new Impression("first", "u", "p", Instant.ofEpochMilli(T0));
        state.impression(last, T0 - 1, 0, c -> { });
        state.impression(first, T0, 1, c -> { });

        state.click(click(new Sent(true, "at", "u", T0 + INTERVAL - 1, T0, 2)), T0, 2,
                i -> emitted.add(new Pair(i.impressionId(), "at")));
        state.click(click(new Sent(true, "next", "u", T0 + INTERVAL, T0, 3)), T0, 3,
                i -> emitted.add(new Pair(i.impressionId(), "next")));
        state.click(click(new Sent(true, "other", "v", T0, T0, 4)), T0, 4,
                i -> emitted.add(new Pair(i.impressionId(), "other")));

        assertThat(emitted).containsExactly(new Pair("last", "at"), new Pair("first", "at"), new Pair("first", "next"));
    }

    private static int behind(long[] streamTime) {
        int behind = 0;
        for (int p = 1; p < streamTime.length; p++) {
            if (streamTime[p] < streamTime[behind]) {
                behind = p;
            }
        }
        return behind;
    }

    private static List<String> expectedLate(List<Sent> sent) {
        return sent.stream().filter(MatchStateTest::isLate).map(Sent::id).toList();
    }

    private static boolean isLate(Sent record) {
        return record.time() + (record.click() ? CLICK_GRACE : IMPRESSION_GRACE) <= record.rwm();
    }

    private static List<Pair> expectedPairs(List<Sent> sent) {
        List<Pair> pairs = new ArrayList<>();
        for (Sent impression : sent) {
            for (Sent click : sent) {
                if (!impression.click() && click.click() && !isLate(impression) && !isLate(click)
                        && impression.user().equals(click.user()) && impression.time() <= click.time()
                        && click.time() <= impression.time() + INTERVAL) {
                    pairs.add(new Pair(impression.id(), click.id()));
                }
            }
        }
        return pairs;
    }

    private static Click click(Sent record) {
        return new Click(record.id(), Instant.ofEpochMilli(record.time()), record.user(), Click.EventType.VIEW, "p",
                null, null, null, null);
    }

    private static Impression impression(Sent record) {
        return new Impression(record.id(), record.user(), "p", Instant.ofEpochMilli(record.time()));
    }

    private static <V> void forEach(KeyValueStore<Bytes, V> store, java.util.function.Consumer<V> each) {
        try (KeyValueIterator<Bytes, V> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<Bytes, V> entry = all.next();
                each.accept(entry.value);
            }
        }
    }

    private static <V> int count(KeyValueStore<Bytes, V> store) {
        int[] n = {0};
        forEach(store, value -> n[0]++);
        return n[0];
    }

    private static <V> void clear(KeyValueStore<Bytes, V> store) {
        List<Bytes> keys = new ArrayList<>();
        try (KeyValueIterator<Bytes, V> all = store.all()) {
            all.forEachRemaining(entry -> keys.add(entry.key));
        }
        keys.forEach(store::delete);
    }

}
