package dev.streamworks.cdc;

import dev.streamworks.cdc.domain.PrimaryKey;
import dev.streamworks.cdc.processor.ChangeCounters;
import dev.streamworks.cdc.processor.ChangeSerde;
import dev.streamworks.cdc.processor.KeyStructSerde;
import dev.streamworks.cdc.processor.TableProcessor;
import dev.streamworks.cdc.processor.TruncateBroadcast;
import dev.streamworks.common.event.ChangeEvent;
import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.serde.JsonSerde;
import dev.streamworks.common.streams.EventTimeExtractor;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;

import java.util.Map;

/**
 * Debezium change events applied as idempotent, ordered upserts (docs/topics.md, cdc-service), one
 * independent sub-topology per configured table:
 * <pre>
 * &lt;source-topic&gt; (key: Debezium key struct) -> skip tombstones -> key = primary key columns joined by '|'
 *   -> repartition by primary key (truncates to every partition)
 *   -> apply to the table's RocksDB store, by source position
 *   -> cdc.&lt;name&gt; (compacted: row or tombstone), cdc.&lt;name&gt;.changes (insert, update_preimage,
 *      update_postimage, delete)
 * </pre>
 * Semantics easy to get wrong:
 * <ul>
 *   <li>A null value is Debezium's tombstone after a delete, there for the source topic's
 *       compaction; the delete itself was the {@code d} event before it. It is skipped (and
 *       counted), never a dead letter.</li>
 *   <li>Order comes from the source position, not from arrival: each key remembers the position
 *       it last applied, and a change that is not newer (a replay after a connector restart, a
 *       duplicate, a straggler) changes nothing. That is what makes the re-keying safe when the
 *       source topic's partitioning differs from ours (keyless records, a different partition
 *       count).</li>
 *   <li>Images in the change feed come from the store, not from Debezium's {@code before}, which
 *       is null or key-only unless the source table has full replica identity.</li>
 *   <li>A truncate concerns rows on every partition, so it is sent to all of them.</li>
 *   <li>Nothing is windowed, so nothing is late; event time (the commit time) still comes from the
 *       payload and stamps the outputs.</li>
 * </ul>
 * Bad input (not JSON, no {@code op}, no position, a key column in neither the key nor the row)
 * goes to the dead-letter topic with its source topic in the headers: everything is validated
 * before the repartition.
 */
public final class CdcTopology {

    private final CdcProperties props;
    private final ChangeSerde changes;
    private final StreamworksMetrics metrics;

    public CdcTopology(CdcProperties props, ChangeSerde changes, StreamworksMetrics metrics) {
        this.props = props;
        this.changes = changes;
        this.metrics = metrics;
    }

    public static String sourceName(String table) {
        return table + "-source";
    }

    public static String applyName(String table) {
        return table + "-apply";
    }

    /** The repartition topic's name (Kafka Streams adds the application id and {@code -repartition}). */
    public static String byKeyName(String table) {
        return table + "-changes-by-key";
    }

    public void addTo(StreamsBuilder builder) {
        props.tables().forEach(table -> addTable(builder, table));
    }

    private void addTable(StreamsBuilder builder, CdcProperties.Table table) {
        String name = table.name();
        String input = table.sourceTopic();
        ChangeCounters counters = new ChangeCounters(metrics.registry(), name);
        KStream<String, Map<String, Object>> outputs = builder
                .stream(input, Consumed.with(new KeyStructSerde(), changes)
                        .withTimestampExtractor(new EventTimeExtractor()).withName(sourceName(name)))
                .filter((key, change) -> {
                    if (change == null) {
                        counters.tombstone();
                        return false;
                    }
                    metrics.recordIn(input, change.value().eventTime().toEpochMilli());
                    return true;
                }, Named.as(name + "-skip-tombstones"))
                // a truncate concerns every row, not one key; it is broadcast below
                .selectKey((keyStruct, change) -> change.value().op() == ChangeEvent.Op.TRUNCATE
                        ? TruncateBroadcast.TRUNCATE_KEY
                        : PrimaryKey.of(keyStruct, change.value().event(), table.keyColumns()),
                        Named.as(name + "-key-by-primary-key"))
                .repartition(Repartitioned.with(Serdes.String(), changes).withName(byKeyName(name))
                        .withStreamPartitioner(new TruncateBroadcast()))
                .process(TableProcessor.supplier(name, counters), Named.as(applyName(name)));
        Serde<Map<String, Object>> rows = rowSerde();
        outputs.to(table.tableTopic(), Produced.with(Serdes.String(), rows).withName(TableProcessor.tableSink(name)));
        outputs.to(table.changesTopic(), Produced.with(Serdes.String(), rows)
                .withName(TableProcessor.changesSink(name)));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Serde<Map<String, Object>> rowSerde() {
        return (Serde) JsonSerde.of(Map.class);
    }
}
