package dev.streamworks.cdc.query;

import dev.streamworks.cdc.CdcProperties;
import dev.streamworks.cdc.domain.PartitionStats;
import dev.streamworks.cdc.domain.StoredRow;
import dev.streamworks.cdc.processor.TableProcessor;
import dev.streamworks.common.query.KeyOwners;
import dev.streamworks.common.query.QueryException;
import dev.streamworks.common.serde.Json;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsNotStartedException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.annotation.KafkaStreamsDefaultConfiguration;
import org.springframework.kafka.config.KafkaStreamsConfiguration;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Read-only REST over the tables (docs/topics.md, cdc-service):
 * <ul>
 *   <li>{@code rows/{key}}: answered by the instance that owns the key (forwarded there);</li>
 *   <li>{@code rows?limit=N}: the rows this instance holds, in key order per partition, at most
 *       {@code limit} (a full scan across instances is not an online query);</li>
 *   <li>{@code stats}: summed over every instance's partitions (503 while one does not answer).</li>
 * </ul>
 * An unknown table or key answers 404, a limit out of bounds 400.
 */
@RestController
@RequestMapping("/api/tables")
class TableQueryController {

    private final KeyOwners owners;
    private final CdcProperties props;
    private final StreamsBuilderFactoryBean factory;
    private final HostInfo self;

    TableQueryController(KeyOwners owners, CdcProperties props, StreamsBuilderFactoryBean factory,
                         @Qualifier(KafkaStreamsDefaultConfiguration.DEFAULT_STREAMS_CONFIG_BEAN_NAME)
                         KafkaStreamsConfiguration streamsConfig, Environment environment) {
        this.owners = owners;
        this.props = props;
        this.factory = factory;
        this.self = HostInfo.buildFromEndpoint(streamsConfig.asProperties().getProperty(
                StreamsConfig.APPLICATION_SERVER_CONFIG, "localhost:" + environment.getProperty("server.port", "8080")));
    }

    @GetMapping("/{name}/rows/{key}")
    ResponseEntity<?> row(@PathVariable String name, @PathVariable String key, HttpServletRequest request) {
        String store = TableProcessor.rowsStore(table(name).name());
        return owners.answer(store, key, request, () -> {
            StoredRow stored = rows(name).get(key);
            if (stored == null || !stored.live()) {
                throw QueryException.notFound("table '" + name + "' has no row with key '" + key + "'");
            }
            return RowView.of(key, stored);
        });
    }

    @GetMapping("/{name}/rows")
    ResponseEntity<?> rows(@PathVariable String name, @RequestParam(required = false) Integer limit) {
        table(name);
        int max = props.query().maxLimit();
        int bounded = limit == null ? props.query().defaultLimit() : limit;
        if (bounded < 1 || bounded > max) {
            throw QueryException.badRequest("'limit' must be between 1 and " + max + ", was " + limit);
        }
        List<RowView> found = new ArrayList<>();
        boolean more = false;
        try (KeyValueIterator<String, StoredRow> all = rows(name).all()) {
            while (all.hasNext()) {
                KeyValue<String, StoredRow> entry = all.next();
                if (!entry.value.live()) {
                    continue;
                }
                if (found.size() == bounded) {
                    more = true;
                    break;
                }
                found.add(RowView.of(entry.key, entry.value));
            }
        }
        return json(new RowsView(name, bounded, found, more));
    }

    @GetMapping("/{name}/stats")
    ResponseEntity<?> stats(@PathVariable String name, HttpServletRequest request) {
        table(name);
        TableStatsView total = localStats(name);
        if (request.getHeader(KeyOwners.FORWARDED_HEADER) == null) {
            for (StreamsMetadata instance : streams().streamsMetadataForStore(TableProcessor.statsStore(name))) {
                if (instance.hostInfo().equals(self)) {
                    continue;
                }
                ResponseEntity<byte[]> answer = owners.forward(instance.hostInfo(), request.getRequestURI());
                if (answer.getStatusCode().value() != HttpStatus.OK.value() || answer.getBody() == null) {
                    throw new InvalidStateStoreException("instance " + instance.hostInfo() + " did not answer: "
                            + answer.getStatusCode());
                }
                total = plus(total, Json.mapper().readValue(answer.getBody(), TableStatsView.class));
            }
        }
        return json(total);
    }

    private TableStatsView localStats(String name) {
        ReadOnlyKeyValueStore<String, PartitionStats> store = owners.localStore(TableProcessor.statsStore(name),
                QueryableStoreTypes.keyValueStore());
        PartitionStats sum = PartitionStats.EMPTY;
        TreeSet<Integer> partitions = new TreeSet<>();
        try (KeyValueIterator<String, PartitionStats> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, PartitionStats> entry = all.next();
                sum = sum.plus(entry.value);
                partitions.add(Integer.parseInt(entry.key.substring(entry.key.lastIndexOf('-') + 1)));
            }
        }
        return new TableStatsView(name, sum.rows(), sum.applied(), sum.skipped(), List.copyOf(partitions));
    }

    private static TableStatsView plus(TableStatsView a, TableStatsView b) {
        TreeSet<Integer> partitions = new TreeSet<>(a.partitions());
        partitions.addAll(b.partitions());
        return new TableStatsView(a.table(), a.rows() + b.rows(), a.applied() + b.applied(),
                a.skipped() + b.skipped(), List.copyOf(partitions));
    }

    private CdcProperties.Table table(String name) {
        CdcProperties.Table table = props.table(name);
        if (table == null) {
            throw QueryException.notFound("no table '" + name + "' (configured: "
                    + props.tables().stream().map(CdcProperties.Table::name).toList() + ")");
        }
        return table;
    }

    private ReadOnlyKeyValueStore<String, StoredRow> rows(String name) {
        return owners.localStore(TableProcessor.rowsStore(name), QueryableStoreTypes.keyValueStore());
    }

    private KafkaStreams streams() {
        KafkaStreams streams = factory.getKafkaStreams();
        if (streams == null) {
            throw new StreamsNotStartedException("Kafka Streams has not started yet");
        }
        return streams;
    }

    /** The topics' JSON (snake_case, instants as Instant#toString), as {@link KeyOwners} answers. */
    private static ResponseEntity<byte[]> json(Object body) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(Json.mapper().writeValueAsBytes(body));
    }
}
