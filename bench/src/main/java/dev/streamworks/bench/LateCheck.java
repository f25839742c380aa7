package dev.streamworks.bench;

import dev.streamworks.common.streams.LateRecords;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * After a drain: are the records in the service's late topic exactly the events the bench made
 * late ({@code --late-share})? A late record appears once per windowed output that could not count
 * it, so the sets of ids are compared (injected vs found), and the records are also counted per
 * output ({@code x-late-reason}).
 *
 * @param topic      the late topic read
 * @param injected   ids of the events made late
 * @param found      ids of the records in the late topic (records without a readable id count as
 *                   the id {@code <no id: value>}, so they show as unexpected)
 * @param records    records in the late topic
 * @param byOutput   records per {@code x-late-reason}
 */
record LateCheck(String topic, Set<String> injected, Set<String> found, long records, SortedMap<String, Long> byOutput) {

    private static final int SHOWN = 5;

    LateCheck {
        injected = Collections.unmodifiableSet(new LinkedHashSet<>(injected));
        found = Collections.unmodifiableSet(new LinkedHashSet<>(found));
        byOutput = Collections.unmodifiableSortedMap(new TreeMap<>(byOutput));
    }

    /** Injected ids not found in the late topic, in the order injected. */
    List<String> missing() {
        return injected.stream().filter(id -> !found.contains(id)).toList();
    }

    /** Ids in the late topic that were not injected, in the order read. */
    List<String> unexpected() {
        return found.stream().filter(id -> !injected.contains(id)).toList();
    }

    /** The late topic holds exactly the injected ids (none of them: an empty topic). */
    boolean exact() {
        return injected.equals(found);
    }

    /** The console line: injected vs found, and the difference (first few ids) when they differ. */
    String line() {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "late records: %,d injected, %,d in %s", injected.size(), records, topic));
        if (records != found.size()) {
            line.append(String.format(Locale.ROOT, " (%,d ids)", found.size()));
        }
        if (exact()) {
            line.append(injected.isEmpty() ? " (none, as none were injected)" : " (exactly the injected ids)");
        } else {
            List<String> missing = missing();
            List<String> unexpected = unexpected();
            line.append(" MISMATCH:");
            if (!missing.isEmpty()) {
                line.append(String.format(Locale.ROOT, " %,d injected ids missing %s", missing.size(), first(missing)));
            }
            if (!unexpected.isEmpty()) {
                line.append(missing.isEmpty() ? "" : ";").append(String.format(Locale.ROOT,
                        " %,d unexpected ids %s", unexpected.size(), first(unexpected)));
            }
        }
        if (!byOutput.isEmpty()) {
            line.append("; per output: ").append(byOutput.entrySet().stream()
                    .map(e -> String.format(Locale.ROOT, "%s %,d", e.getKey(), e.getValue()))
                    .collect(Collectors.joining(", ")));
        }
        return line.toString();
    }

    private static String first(List<String> ids) {
        return ids.stream().limit(SHOWN).collect(Collectors.joining(", ", "(", ids.size() > SHOWN ? ", …)" : ")"));
    }

    /** One record of the late topic: its value and {@code x-late-reason}. */
    record Read(String value, String output) {
    }

    /** Compares {@code injected} with the records {@code read} from {@code topic}. */
    static LateCheck of(String topic, Set<String> injected, List<Read> read, Function<String, String> eventId) {
        Set<String> found = new LinkedHashSet<>();
        SortedMap<String, Long> byOutput = new TreeMap<>();
        for (Read r : read) {
            String id = r.value() == null ? null : eventId.apply(r.value());
            found.add(id != null ? id : "<no id: " + r.value() + ">");
            byOutput.merge(r.output() == null ? "(no " + LateRecords.REASON_HEADER + ")" : r.output(), 1L, Long::sum);
        }
        return new LateCheck(topic, injected, found, read.size(), byOutput);
    }

    /**
     * Every record of {@code topic} as a read_committed consumer sees it once the drain is complete
     * (to the end offsets, which are then the last stable offsets); none when the topic does not exist.
     */
    static List<Read> readAll(String bootstrapServers, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            List<Read> read = new ArrayList<>();
            if (partitions == null || partitions.isEmpty()) {
                return read;
            }
            List<TopicPartition> assigned = partitions.stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            Set<TopicPartition> open = new TreeSet<>(java.util.Comparator.comparingInt(TopicPartition::partition));
            open.addAll(assigned);
            while (true) {
                open.removeIf(tp -> consumer.position(tp) >= ends.get(tp));
                if (open.isEmpty()) {
                    return read;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end: " + open);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Header reason = r.headers().lastHeader(LateRecords.REASON_HEADER);
                    read.add(new Read(r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8),
                            reason == null ? null : new String(reason.value(), StandardCharsets.UTF_8)));
                }
            }
        }
    }
}
