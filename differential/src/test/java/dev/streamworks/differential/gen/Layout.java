package dev.streamworks.differential.gen;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The input partitions being laid out by a generator: each partition is a sequence of records in
 * the order they will be read. A record's valid event time (null for bad input) gives the
 * partition stream time along the sequence, so a generator can place a record where the stream
 * time is exactly what a tie needs ({@link #anchor}).
 */
public final class Layout {

    private static final class Entry {
        final Rec rec;
        final Long time;
        long arrival;

        Entry(Rec rec, Long time, long arrival) {
            this.rec = rec;
            this.time = time;
            this.arrival = arrival;
        }
    }

    private final int partitions;
    private final Map<String, List<List<Entry>>> topics = new LinkedHashMap<>();

    Layout(int partitions, String... topicNames) {
        this.partitions = partitions;
        for (String topic : topicNames) {
            List<List<Entry>> parts = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                parts.add(new ArrayList<>());
            }
            topics.put(topic, parts);
        }
    }

    private List<Entry> part(String topic, int partition) {
        return topics.get(topic).get(partition);
    }

    /**
     * The partition of {@code partitions} that Kafka's default partitioner gives a record keyed by
     * {@code key} (UTF-8): murmur2 of its bytes, made positive, modulo the count. Written out here so
     * the generator depends on nothing it judges; {@code PartitionOfTest} checks it against Kafka's.
     */
    public static int partitionOf(String key, int partitions) {
        byte[] data = key.getBytes(StandardCharsets.UTF_8);
        int length = data.length;
        int m = 0x5bd1e995;
        int h = 0x9747b28c ^ length;
        for (int i = 0; i + 4 <= length; i += 4) {
            int k = (data[i] & 0xff) | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff) << 16 | (data[i + 3] & 0xff) << 24;
            k *= m;
            k ^= k >>> 24;
            k *= m;
            h *= m;
            h ^= k;
        }
        int tail = length & ~3;
        switch (length % 4) {
            case 3:
                h ^= (data[tail + 2] & 0xff) << 16;
                // fall through
            case 2:
                h ^= (data[tail + 1] & 0xff) << 8;
                // fall through
            case 1:
                h ^= data[tail] & 0xff;
                h *= m;
                break;
            default:
                break;
        }
        h ^= h >>> 13;
        h *= m;
        h ^= h >>> 15;
        return (h & 0x7fffffff) % partitions;
    }

    /** Appends a record that will be read at {@code arrival} (sorted by {@link #sort()}). */
    void add(Rec rec, Long time, long arrival) {
        part(rec.topic(), rec.partition()).add(new Entry(rec, time, arrival));
    }

    /** Orders every partition by arrival (stable: equal arrivals keep the order they were added in). */
    void sort() {
        topics.values().forEach(parts -> parts.forEach(entries -> entries.sort(Comparator.comparingLong(e -> e.arrival))));
    }

    /**
     * Inserts {@code rec} (valid, event time {@code time}) where it raises the partition stream
     * time to exactly {@code time}: before the first record at or after {@code time} that
     * finds the stream time below it. Records inserted right after the anchor are then read with
     * stream time exactly {@code time}, and no other record's stream time changes.
     *
     * @return the index right after the anchor
     */
    int anchor(Rec rec, long time) {
        List<Entry> entries = part(rec.topic(), rec.partition());
        long pst = Long.MIN_VALUE;
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            if (entry.time != null) {
                if (pst < time && entry.time >= time) {
                    entries.add(i, new Entry(rec, time, entry.arrival));
                    return i + 1;
                }
                pst = Math.max(pst, entry.time);
            }
        }
        if (pst >= time) {
            throw new IllegalStateException("stream time already past " + time + " in " + rec.topic() + "[" + rec.partition() + "]");
        }
        entries.add(new Entry(rec, time, entries.isEmpty() ? time : entries.get(entries.size() - 1).arrival));
        return entries.size();
    }

    /** Inserts {@code rec} at {@code index} of its partition; {@code time} must not exceed the stream time there. */
    void insert(int index, Rec rec, Long time) {
        List<Entry> entries = part(rec.topic(), rec.partition());
        long arrival = index < entries.size() ? entries.get(index).arrival
                : entries.isEmpty() ? 0 : entries.get(entries.size() - 1).arrival;
        entries.add(index, new Entry(rec, time, arrival));
    }

    /** Inserts bad input at a random place of its partition. */
    void scatter(Rec rec, Random random) {
        List<Entry> entries = part(rec.topic(), rec.partition());
        insert(entries.isEmpty() ? 0 : random.nextInt(entries.size() + 1), rec, null);
    }

    /**
     * The order the records are produced in: each partition's sequence kept, partitions merged by
     * their records' arrival shifted by the partition's pace offset ({@code offset[topic][p]}; a
     * negative offset runs that partition ahead of the others).
     */
    List<Rec> productionOrder(Map<String, long[]> offset) {
        List<List<Entry>> sequences = new ArrayList<>();
        List<long[]> shifts = new ArrayList<>();
        topics.forEach((topic, parts) -> {
            for (int p = 0; p < parts.size(); p++) {
                sequences.add(parts.get(p));
                shifts.add(new long[] {offset.getOrDefault(topic, new long[partitions])[p]});
            }
        });
        int[] head = new int[sequences.size()];
        List<Rec> order = new ArrayList<>();
        while (true) {
            int best = -1;
            long bestKey = Long.MAX_VALUE;
            for (int s = 0; s < sequences.size(); s++) {
                if (head[s] < sequences.get(s).size()) {
                    long key = sequences.get(s).get(head[s]).arrival + shifts.get(s)[0];
                    if (best < 0 || key < bestKey) {
                        best = s;
                        bestKey = key;
                    }
                }
            }
            if (best < 0) {
                return order;
            }
            order.add(sequences.get(best).get(head[best]++).rec);
        }
    }

    /**
     * Cuts a production order into chunks of about {@code target} records for a live-pace run,
     * each chunk holding at least one record of every partition that still has records to send,
     * so no partition stays silent (idle) for a whole chunk while others move on.
     */
    static List<Integer> chunks(List<Rec> order, int target) {
        Map<String, Integer> remaining = new HashMap<>();
        order.forEach(rec -> remaining.merge(rec.topic() + "/" + rec.partition(), 1, Integer::sum));
        List<Integer> starts = new ArrayList<>();
        Set<String> required = new HashSet<>(remaining.keySet());
        Set<String> covered = new HashSet<>();
        int size = 0;
        starts.add(0);
        for (int i = 0; i < order.size(); i++) {
            String channel = order.get(i).topic() + "/" + order.get(i).partition();
            covered.add(channel);
            size++;
            if (remaining.merge(channel, -1, Integer::sum) == 0) {
                remaining.remove(channel);
            }
            if (size >= target && covered.containsAll(required) && i + 1 < order.size()) {
                starts.add(i + 1);
                required = new HashSet<>(remaining.keySet());
                covered.clear();
                size = 0;
            }
        }
        return starts;
    }
}
