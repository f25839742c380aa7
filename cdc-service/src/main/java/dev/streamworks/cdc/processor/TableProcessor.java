package dev.streamworks.cdc.processor;

import dev.streamworks.cdc.domain.ChangeType;
import dev.streamworks.cdc.domain.FeedRecord;
import dev.streamworks.cdc.domain.PartitionStats;
import dev.streamworks.cdc.domain.RowChange;
import dev.streamworks.cdc.domain.SourceChange;
import dev.streamworks.cdc.domain.SourcePosition;
import dev.streamworks.cdc.domain.StoredRow;
import dev.streamworks.common.event.ChangeEvent;
import dev.streamworks.common.serde.Parsed;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies one table's changes, keyed by primary key, to the table held in a RocksDB store, and
 * forwards the results to the table sink (row or tombstone) and the change feed sink, each
 * record stamped with the change's commit time. The rules are {@link RowChange}'s; this class
 * adds the state: the rows store (row and last applied position per key) and a per-partition
 * counters store (rows, applied, skipped, last truncate).
 * <p>
 * A truncate reaches every partition ({@link TruncateBroadcast}); each deletes the rows it holds
 * that were applied before the truncate, with a tombstone and a {@code delete} feed record each.
 */
public final class TableProcessor implements Processor<String, Parsed<SourceChange>, String, Map<String, Object>> {

    private final String table;
    private final ChangeCounters counters;

    private ProcessorContext<String, Map<String, Object>> context;
    private KeyValueStore<String, StoredRow> rows;
    private KeyValueStore<String, PartitionStats> stats;
    private String statsKey;

    TableProcessor(String table, ChangeCounters counters) {
        this.table = table;
        this.counters = counters;
    }

    public static String rowsStore(String table) {
        return table + "-rows-store";
    }

    public static String statsStore(String table) {
        return table + "-stats-store";
    }

    public static String tableSink(String table) {
        return table + "-table-sink";
    }

    public static String changesSink(String table) {
        return table + "-changes-sink";
    }

    /** The key of a partition's counters in the stats store. */
    public static String statsKey(int partition) {
        return "partition-" + partition;
    }

    /** The processor with its stores, for {@code KStream#process}. */
    public static ProcessorSupplier<String, Parsed<SourceChange>, String, Map<String, Object>> supplier(
            String table, ChangeCounters counters) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, Parsed<SourceChange>, String, Map<String, Object>> get() {
                return new TableProcessor(table, counters);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(rowsStore(table)),
                                Serdes.String(), StateSerdes.storedRow()),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(statsStore(table)),
                                Serdes.String(), StateSerdes.partitionStats()));
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, Map<String, Object>> context) {
        this.context = context;
        this.rows = context.getStateStore(rowsStore(table));
        this.stats = context.getStateStore(statsStore(table));
        this.statsKey = statsKey(context.taskId().partition());
    }

    @Override
    public void process(Record<String, Parsed<SourceChange>> record) {
        SourceChange change = record.value().value();
        PartitionStats counted = stats.get(statsKey);
        counted = counted != null ? counted : PartitionStats.EMPTY;
        if (change.op() == ChangeEvent.Op.TRUNCATE) {
            stats.put(statsKey, truncate(change, counted));
            return;
        }
        String key = record.key();
        StoredRow current = rows.get(key);
        RowChange.Outcome outcome = RowChange.apply(current, counted.truncatedAt(), change);
        if (outcome.skipped()) {
            counters.skipped();
            stats.put(statsKey, counted.skip());
            return;
        }
        rows.put(key, outcome.next());
        long timestamp = change.eventTime().toEpochMilli();
        if (outcome.emit()) {
            context.forward(new Record<>(key, outcome.tableValue(), timestamp), tableSink(table));
        }
        for (FeedRecord feed : outcome.feed()) {
            context.forward(new Record<>(key, feed.toValue(), timestamp), changesSink(table));
        }
        long delta = (outcome.next().live() ? 1 : 0) - (current != null && current.live() ? 1 : 0);
        counters.applied();
        stats.put(statsKey, counted.apply(delta));
    }

    private PartitionStats truncate(SourceChange change, PartitionStats counted) {
        SourcePosition position = change.position();
        if (counted.truncatedAt() != null && !position.isAfter(counted.truncatedAt())) {
            counters.skipped();
            return counted.skip();
        }
        // keys first, then changes: the store is not modified while an iterator is open on it
        List<String> truncated = new ArrayList<>();
        try (KeyValueIterator<String, StoredRow> all = rows.all()) {
            while (all.hasNext()) {
                KeyValue<String, StoredRow> entry = all.next();
                if (RowChange.truncates(position, entry.value)) {
                    truncated.add(entry.key);
                }
            }
        }
        long timestamp = change.eventTime().toEpochMilli();
        long removed = 0;
        for (String key : truncated) {
            StoredRow stored = rows.delete(key);
            if (stored != null && stored.live()) {
                removed++;
                context.forward(new Record<>(key, null, timestamp), tableSink(table));
                context.forward(new Record<>(key, new FeedRecord(ChangeType.DELETE,
                        stored.row(), position, change.eventTime()).toValue(), timestamp), changesSink(table));
            }
        }
        counters.applied();
        return counted.truncate(position, removed);
    }
}
