package dev.streamworks.common.streams;

import dev.streamworks.common.config.StreamworksProperties;
import dev.streamworks.common.testing.TestTimes;
import dev.streamworks.common.testing.TopologyDriver;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * {@link UpdateForwarder} in a real task ({@link TopologyTestDriver}: Kafka Streams' own context,
 * caching stores and thread cache, a commit after each input record). Each input record is a
 * batch of random changes of a few keys (adds, and deletions that flush first), so a key changes
 * several times between two commits: with the cache, one record per changed key per commit; without
 * it, or with a cache too small to hold an entry, one per change. Either way the last record of each
 * key carries the value and timestamp of its last change, as a per-change reference says.
 */
class UpdateForwarderTest {

    private static final int KEYS = 6;

    @TempDir
    Path stateDir;

    /** The changes of one input record: "k3+5", or "k3-" to delete k3. */
    private record Batch(long timestamp, List<String> changes) {
        String text() {
            return String.join(";", changes);
        }
    }

    /** What a topology run forwarded. */
    private record Forwarded(int records, Map<String, KeyValue<Long, Long>> lastPerKey, boolean coalescing) {
    }

    /** The per-change reference: updates made, and each key's last value and timestamp. */
    private record Reference(int updates, Map<String, KeyValue<Long, Long>> lastPerKey) {
    }

    /** One topology run over random batches, its last values per key checked against the reference. */
    private record Run(long seed, List<Batch> batches, Reference reference, Forwarded forwarded) {
    }

    @Test
    void withTheCacheForwardsOneRecordPerChangedKeyPerCommitWithItsLastValue() {
        Run run = runRandom(true, 10 * 1024 * 1024L);
        assertThat(run.forwarded().coalescing()).as("a cached store in a real task coalesces").isTrue();
        assertThat(run.forwarded().records()).as("at most one record per changed key per commit, seed %d", run.seed())
                .isEqualTo(changedKeysPerBatch(run.batches())).isLessThan(run.reference().updates());
    }

    @Test
    void withACacheTooSmallForAnEntryForwardsEveryChangeAsItIsEvicted() {
        Run run = runRandom(true, 1L);
        assertThat(run.forwarded().records()).as("one record per change, seed %d", run.seed())
                .isEqualTo(run.reference().updates());
    }

    @Test
    void withoutACacheForwardsEveryChangeAtOnce() {
        Run run = runRandom(false, 10 * 1024 * 1024L);
        assertThat(run.forwarded().coalescing()).as("nothing to coalesce with").isFalse();
        assertThat(run.forwarded().records()).as("one record per change, seed %d", run.seed())
                .isEqualTo(run.reference().updates());
    }

    @Test
    void underAMockContextForwardsEveryChangeAtOnce() {
        MockProcessorContext<String, Long> context = new MockProcessorContext<>();
        // a caching store (which a mock context cannot write to): only the context tells the
        // forwarder there is no cache to hook
        KeyValueStore<String, Long> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("sums"),
                Serdes.String(), Serdes.Long()).withCachingEnabled().withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        UpdateForwarder<String, Long, String, Long> forwarder = UpdateForwarder.attach(context, store, "out",
                (key, value, timestamp) -> new Record<>(key, value, timestamp));
        assertThat(forwarder.coalescing()).isFalse();
        forwarder.changed("k", 1L, 10);
        forwarder.changed("k", 2L, 20);
        assertThat(context.forwarded()).extracting(forwarded -> forwarded.record().value(),
                forwarded -> forwarded.record().timestamp(), forwarded -> forwarded.childName().orElseThrow())
                .containsExactly(tuple(1L, 10L, "out"),
                        tuple(2L, 20L, "out"));
    }

    /** Batches of 1 to 20 changes of {@value KEYS} keys, one second apart; one change in 15 a deletion. */
    private static List<Batch> generate(Random random) {
        List<Batch> batches = new ArrayList<>();
        int count = 100 + random.nextInt(100);
        for (int i = 0; i < count; i++) {
            List<String> changes = new ArrayList<>();
            int size = 1 + random.nextInt(20);
            for (int c = 0; c < size; c++) {
                String key = "k" + random.nextInt(KEYS);
                changes.add(random.nextInt(15) == 0 ? key + "-" : key + "+" + (1 + random.nextInt(9)));
            }
            batches.add(new Batch(TestTimes.T0.toEpochMilli() + i * 1000L, changes));
        }
        return batches;
    }

    private static Reference reference(List<Batch> batches) {
        Map<String, Long> values = new TreeMap<>();
        Map<String, KeyValue<Long, Long>> last = new TreeMap<>();
        int updates = 0;
        for (Batch batch : batches) {
            for (String change : batch.changes()) {
                String key = key(change);
                if (change.endsWith("-")) {
                    values.remove(key);
                } else {
                    long value = values.merge(key, amount(change), Long::sum);
                    last.put(key, KeyValue.pair(value, batch.timestamp()));
                    updates++;
                }
            }
        }
        return new Reference(updates, last);
    }

    /**
     * With a commit after each batch: per batch, the keys whose value changed since the batch's last
     * flush (a deletion flushes first), forwarded once each at the commit or the flush.
     */
    private static int changedKeysPerBatch(List<Batch> batches) {
        int records = 0;
        for (Batch batch : batches) {
            Set<String> dirty = new HashSet<>();
            for (String change : batch.changes()) {
                if (change.endsWith("-")) {
                    records += dirty.size();
                    dirty.clear();
                } else {
                    dirty.add(key(change));
                }
            }
            records += dirty.size();
        }
        return records;
    }

    private static String key(String change) {
        int sign = Math.max(change.indexOf('+'), change.indexOf('-'));
        return change.substring(0, sign);
    }

    private static long amount(String change) {
        return Long.parseLong(change.substring(change.indexOf('+') + 1));
    }

    private static StoreBuilder<KeyValueStore<String, Long>> store(boolean caching) {
        StoreBuilder<KeyValueStore<String, Long>> builder = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore("sums"), Serdes.String(), Serdes.Long());
        return caching ? builder.withCachingEnabled() : builder.withCachingDisabled();
    }

    /** Random batches through the topology: the last value and timestamp of each key must be the reference's. */
    private Run runRandom(boolean caching, long cacheBytes) {
        long seed = new Random().nextLong();
        List<Batch> batches = generate(new Random(seed));
        Reference reference = reference(batches);
        Forwarded forwarded = run(batches, caching, cacheBytes);
        assertThat(forwarded.lastPerKey()).as("last value and timestamp per key, seed %d", seed)
                .isEqualTo(reference.lastPerKey());
        return new Run(seed, batches, reference, forwarded);
    }

    private Forwarded run(List<Batch> batches, boolean caching, long cacheBytes) {
        Properties settings = TopologyDriver.settings("update-forwarder-test", StreamworksProperties.defaults(),
                (stage, error) -> { }, stateDir);
        settings.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, cacheBytes);
        AtomicBoolean coalescing = new AtomicBoolean();
        try (TopologyTestDriver driver = new TopologyTestDriver(TopologyDriver.builder(settings).build()
                .addSource("in-source", Serdes.String().deserializer(), Serdes.String().deserializer(), "in")
                .addProcessor("sum", () -> new Summing(coalescing), "in-source")
                .addStateStore(store(caching), "sum")
                .addSink("out-sink", "out", Serdes.String().serializer(), Serdes.Long().serializer(), "sum"),
                settings, TestTimes.T0)) {
            TestInputTopic<String, String> input = driver.createInputTopic("in", Serdes.String().serializer(),
                    Serdes.String().serializer());
            batches.forEach(batch -> input.pipeInput(new TestRecord<>("", batch.text(), null, batch.timestamp())));
            List<TestRecord<String, Long>> out = driver.createOutputTopic("out", Serdes.String().deserializer(),
                    Serdes.Long().deserializer()).readRecordsToList();
            Map<String, KeyValue<Long, Long>> last = new TreeMap<>();
            out.forEach(record -> last.put(record.key(), KeyValue.pair(record.value(), record.timestamp())));
            return new Forwarded(out.size(), last, coalescing.get());
        }
    }

    /** Applies a batch of changes to the store, forwarding them through an {@link UpdateForwarder}. */
    private static final class Summing implements Processor<String, String, String, Long> {

        private final AtomicBoolean coalescing;
        private KeyValueStore<String, Long> sums;
        private UpdateForwarder<String, Long, String, Long> updates;

        Summing(AtomicBoolean coalescing) {
            this.coalescing = coalescing;
        }

        @Override
        public void init(ProcessorContext<String, Long> context) {
            sums = context.getStateStore("sums");
            updates = UpdateForwarder.attach(context, sums, "out-sink",
                    (key, value, timestamp) -> new Record<>(key, value, timestamp));
            coalescing.set(updates.coalescing());
        }

        @Override
        public void process(Record<String, String> record) {
            for (String change : record.value().split(";")) {
                String key = key(change);
                if (change.endsWith("-")) {
                    // the key's last change may still be in the cache: forwarded before it is deleted
                    updates.flush();
                    sums.delete(key);
                } else {
                    Long current = sums.get(key);
                    long value = (current == null ? 0 : current) + amount(change);
                    sums.put(key, value);
                    updates.changed(key, value, record.timestamp());
                }
            }
        }
    }
}
