package dev.streamworks.cdc.processor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The per-table meters ({@code streamworks_cdc_changes_total{table, outcome}}): changes applied,
 * changes skipped because their position was not newer (replays, duplicates, out of order), and
 * tombstones skipped. Registered up front, so a dashboard shows 0 rather than nothing.
 */
public final class ChangeCounters {

    public static final String CHANGES = "streamworks.cdc.changes";

    private final Counter applied;
    private final Counter skipped;
    private final Counter tombstones;

    public ChangeCounters(MeterRegistry registry, String table) {
        this.applied = counter(registry, table, "applied");
        this.skipped = counter(registry, table, "skipped");
        this.tombstones = counter(registry, table, "tombstone");
    }

    private static Counter counter(MeterRegistry registry, String table, String outcome) {
        return Counter.builder(CHANGES).description("Debezium change events per table and outcome")
                .tag("table", table).tag("outcome", outcome).register(registry);
    }

    public void applied() {
        applied.increment();
    }

    public void skipped() {
        skipped.increment();
    }

    public void tombstone() {
        tombstones.increment();
    }
}
