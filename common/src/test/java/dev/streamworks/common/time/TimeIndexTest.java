package dev.streamworks.common.time;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The index of entries by the time the watermark makes them due, over a plain key-value store. */
class TimeIndexTest {

    private KeyValueStore<Bytes, byte[]> store;
    private TimeIndex index;

    @BeforeEach
    void open() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("due"), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        index = new TimeIndex(store);
    }

    private static byte[] id(String id) {
        return id.getBytes(StandardCharsets.UTF_8);
    }

    private static List<org.assertj.core.groups.Tuple> entries(List<TimeIndex.Due> due) {
        return due.stream().map(d -> tuple(d.time(), new String(d.id(), StandardCharsets.UTF_8))).toList();
    }

    @Test
    void takesTheEntriesAtOrBeforeTheWatermarkOldestFirstOnce() {
        index.put(30, id("a"));
        index.put(10, id("b"));
        index.put(20, id("d"));
        index.put(20, id("c"));

        assertThat(entries(index.takeDue(20))).containsExactly(tuple(10L, "b"), tuple(20L, "c"), tuple(20L, "d"));
        assertThat(index.takeDue(20)).as("taken entries are gone").isEmpty();
        assertThat(index.anyDue(29)).isFalse();
        assertThat(entries(index.takeDue(30))).containsExactly(tuple(30L, "a"));
    }

    @Test
    void ordersTimesBefore1970BeforeLaterOnes() {
        index.put(5, id("after"));
        index.put(-5, id("before"));
        index.put(Long.MIN_VALUE + 1, id("first"));

        assertThat(entries(index.takeDue(0))).containsExactly(tuple(Long.MIN_VALUE + 1, "first"), tuple(-5L, "before"));
        assertThat(entries(index.takeDue(Long.MAX_VALUE))).containsExactly(tuple(5L, "after"));
    }

    @Test
    void nothingIsDueAtAnUnknownWatermarkOrBeforeTheEarliestEntry() {
        assertThat(index.anyDue(100)).as("empty").isFalse();
        index.put(Long.MIN_VALUE + 1, id("x"));
        assertThat(index.anyDue(Long.MIN_VALUE)).as("unknown watermark").isFalse();
        assertThat(index.takeDue(Long.MIN_VALUE)).isEmpty();

        index.takeDue(Long.MAX_VALUE);
        index.put(50, id("y"));
        assertThat(index.anyDue(49)).isFalse();
        // an entry put after the earliest time was looked up is seen
        index.put(40, id("z"));
        assertThat(index.anyDue(40)).isTrue();
        assertThat(entries(index.takeDue(49))).containsExactly(tuple(40L, "z"));
    }

    @Test
    void aDeletedEntryIsNeverDue() {
        index.put(10, id("kept"));
        index.put(10, id("gone"));
        index.delete(10, id("gone"));

        assertThat(entries(index.takeDue(10))).containsExactly(tuple(10L, "kept"));
    }

    @Test
    void anIndexOverTheSameStoreAfterARestartSeesEveryEntry() {
        index.put(10, id("a"));
        index.anyDue(5);

        TimeIndex restarted = new TimeIndex(store);

        assertThat(entries(restarted.takeDue(10))).containsExactly(tuple(10L, "a"));
    }

    /**
     * Random puts (also before watermarks already passed), deletes and takes at a rising watermark
     * with repeats, against a sorted set: every take returns exactly the reference's due entries.
     */
    @Test
    void takesExactlyWhatASortedSetWouldUnderRandomOperations() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        TreeMap<Long, TreeSet<String>> reference = new TreeMap<>();
        long watermark = 0;
        for (int step = 0; step < 5_000; step++) {
            int op = random.nextInt(10);
            if (op < 5) {
                long time = watermark - 20 + random.nextInt(100);
                String name = "e" + random.nextInt(50);
                index.put(time, id(name));
                reference.computeIfAbsent(time, t -> new TreeSet<>()).add(name);
            } else if (op < 6 && !reference.isEmpty()) {
                long time = reference.keySet().stream().skip(random.nextInt(reference.size())).findFirst().orElseThrow();
                String name = reference.get(time).first();
                index.delete(time, id(name));
                reference.get(time).remove(name);
                if (reference.get(time).isEmpty()) {
                    reference.remove(time);
                }
            } else {
                watermark += random.nextInt(3) == 0 ? 0 : random.nextInt(15);
                List<org.assertj.core.groups.Tuple> expected = new ArrayList<>();
                var due = reference.headMap(watermark, true);
                due.forEach((time, names) -> names.forEach(name -> expected.add(tuple(time, name))));
                due.clear();
                if (!expected.isEmpty()) {
                    // may also answer true for entries deleted since (a scan then finds nothing)
                    assertThat(index.anyDue(watermark)).as("seed %d, step %d", seed, step).isTrue();
                }
                assertThat(entries(index.takeDue(watermark))).as("seed %d, step %d", seed, step).containsExactlyElementsOf(expected);
            }
        }
    }
}
