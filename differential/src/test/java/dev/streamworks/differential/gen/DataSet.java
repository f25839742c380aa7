package dev.streamworks.differential.gen;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A generated input: every record in the order it is produced (which keeps the order of each
 * partition), cut into chunks for a live-pace run, and how many partitions each topic has.
 * Records of a table topic ({@code cdc.users}) marked as setup are sent before the service starts.
 *
 * @param records    production order
 * @param chunkStart index of the first record of each chunk (the first is 0)
 * @param setup      records sent before anything else, live or backlog (the users table as it starts)
 */
public record DataSet(String pipeline, long seed, int partitions, Instant base, List<Rec> records,
                      List<Integer> chunkStart, List<Rec> setup) {

    public DataSet {
        records = List.copyOf(records);
        chunkStart = List.copyOf(chunkStart);
        setup = List.copyOf(setup);
    }

    /** The records of chunk {@code i}. */
    public List<Rec> chunk(int i) {
        int from = chunkStart.get(i);
        int to = i + 1 < chunkStart.size() ? chunkStart.get(i + 1) : records.size();
        return records.subList(from, to);
    }

    public int chunks() {
        return chunkStart.size();
    }

    /** The chunk of each record (setup records: -1). */
    public Map<Rec, Integer> chunkOf() {
        Map<Rec, Integer> chunkOf = new LinkedHashMap<>();
        setup.forEach(rec -> chunkOf.put(rec, -1));
        for (int i = 0; i < chunks(); i++) {
            for (Rec rec : chunk(i)) {
                chunkOf.put(rec, i);
            }
        }
        return chunkOf;
    }

    /** Setup records, then the records in production order. */
    public List<Rec> all() {
        List<Rec> all = new ArrayList<>(setup);
        all.addAll(records);
        return all;
    }

    public Set<String> topics() {
        Set<String> topics = new TreeSet<>();
        all().forEach(rec -> topics.add(rec.topic()));
        return topics;
    }

    /** Every tag of the data set with how many records carry it. */
    public Map<String, Integer> tagCounts() {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        all().forEach(rec -> rec.tags().forEach(tag -> counts.merge(tag, 1, Integer::sum)));
        return counts;
    }

    public String describe() {
        return pipeline + " seed=" + seed + " partitions=" + partitions + " base=" + base + " records="
                + records.size() + " chunks=" + chunks();
    }
}
