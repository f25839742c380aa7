package dev.streamworks.fraud.processor;

import dev.streamworks.common.event.Transaction;
import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.serde.Parsed;
import dev.streamworks.common.streams.LateRecords;
import dev.streamworks.common.time.Clock;
import dev.streamworks.common.time.EventTime;
import dev.streamworks.common.time.Stamp;
import dev.streamworks.common.time.Watermark;
import dev.streamworks.fraud.FraudProperties;
import dev.streamworks.fraud.domain.AlertType;
import dev.streamworks.fraud.domain.FraudAlert;
import dev.streamworks.fraud.domain.FraudRules;
import dev.streamworks.fraud.domain.UserState;
import dev.streamworks.fraud.domain.UserTransaction;
import io.micrometer.core.instrument.Counter;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The per-user fraud state machine over one RocksDB key-value store (user id -> {@link UserState}),
 * one read and at most one write per transaction, on the event-time rule of docs/semantics.md
 * (docs/semantics.md section 6):
 * <ul>
 *   <li>Late: a transaction with {@code t < rwm} and {@code rwm - t >= grace}, {@code rwm} the stream
 *       time of its input partition when it was read (carried through the repartition), is not
 *       judged; it goes to the late topic once, for {@code fraud-alerts}, with {@code x-window-end} =
 *       its own time (the inclusive end of its window {@code (t - lookback, t]}).</li>
 *   <li>Otherwise it is inserted at its event-time place and judged at its own time (see
 *       {@link UserState#judge}); transactions that no transaction still to be judged can need (at or
 *       before watermark - grace - lookback) are dropped from the user's state on the way.</li>
 *   <li>An alert goes out at once with the transaction's time as its timestamp.</li>
 *   <li>TTL: each time the watermark crosses a multiple of {@code ttl-punctuation-interval} (checked
 *       per transaction and every second of wall clock), users whose last transaction is
 *       {@code state-ttl} or more behind the watermark are deleted, at most {@code ttl-batch-size}
 *       examined per batch, continuing from where the last one stopped, so a large store never
 *       stalls processing.</li>
 * </ul>
 * The watermark (the minimum over the input partitions), not the wall clock nor one task's stream
 * time, drives retention and the TTL: a replay or a catch-up after downtime expires exactly the
 * users that the event times say are idle, and whatever the interleaving of the partitions, the
 * same transactions are judged with the same state.
 */
public final class FraudStateProcessor implements Processor<String, Parsed<Transaction>, String, Object> {

    public static final String USERS_STORE = "fraud-users-store";
    public static final String ALERTS_SINK = "fraud-alerts-sink";
    public static final String LATE_SINK = "fraud-late-sink";
    public static final String EXPIRED_METER = "streamworks.fraud.state.expired";
    public static final String ALERTS_METER = "streamworks.fraud.alerts";

    private static final Logger log = LoggerFactory.getLogger(FraudStateProcessor.class);

    private final FraudProperties props;
    private final FraudRules rules;
    private final StreamworksMetrics metrics;
    private final EventTime eventTime;
    private final Clock clock;
    private Watermark watermark;
    private final long graceMs;
    private final long ttlMs;
    private final long ttlEveryMs;
    private final Counter expired;
    private final Map<AlertType, Counter> alertsRaised = new EnumMap<>(AlertType.class);

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, UserState> users;
    /** Where the next TTL batch starts (inclusive); {@code null}: at the first key. Kept in memory only. */
    private String ttlResumeFrom;
    /** The watermark of the last TTL batch. */
    private long ttlAt = Long.MIN_VALUE;

    FraudStateProcessor(FraudProperties props, StreamworksMetrics metrics, EventTime eventTime, Clock clock) {
        this.props = props;
        this.rules = props.rules();
        this.metrics = metrics;
        this.eventTime = eventTime;
        this.clock = clock;
        this.graceMs = props.grace().toMillis();
        this.ttlMs = props.stateTtl().toMillis();
        this.ttlEveryMs = props.ttlPunctuationInterval().toMillis();
        this.expired = Counter.builder(EXPIRED_METER)
                .description("Users whose fraud state was deleted after state-ttl without a transaction")
                .register(metrics.registry());
        // registered up front, so dashboards show 0 rather than nothing before the first alert
        for (AlertType type : AlertType.values()) {
            alertsRaised.put(type, Counter.builder(ALERTS_METER).description("Fraud alerts emitted")
                    .tag("alert_type", type.name()).register(metrics.registry()));
        }
    }

    /** The processor with its store, for {@code KStream#process}. */
    public static ProcessorSupplier<String, Parsed<Transaction>, String, Object> supplier(FraudProperties props,
                                                                                          StreamworksMetrics metrics,
                                                                                          EventTime eventTime,
                                                                                          Clock clock) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, Parsed<Transaction>, String, Object> get() {
                return new FraudStateProcessor(props, metrics, eventTime, clock);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(storeBuilder());
            }
        };
    }

    static StoreBuilder<KeyValueStore<String, UserState>> storeBuilder() {
        // logged (changelog) and uncached: every state change reaches RocksDB and the changelog
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(USERS_STORE), Serdes.String(),
                new UserStateSerde());
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.users = context.getStateStore(USERS_STORE);
        this.ttlResumeFrom = null;
        this.ttlAt = Long.MIN_VALUE;
        this.watermark = eventTime.watermark(context, clock);
        context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, now -> maybeExpire());
    }

    @Override
    public void process(Record<String, Parsed<Transaction>> record) {
        Transaction transaction = record.value().value();
        long t = transaction.transactionTime().toEpochMilli();
        long rwm = Stamp.rwmOf(record.headers(), record.timestamp());
        if (isLate(t, rwm, graceMs)) {
            String output = props.topics().alerts();
            context.forward(LateRecords.forOutput(record, output, t, rwm), LATE_SINK);
            metrics.late(output);
            return;
        }
        long watermark = this.watermark.get();
        String userId = transaction.userId();
        UserState state = users.get(userId);
        UserState.Judgement judgement = (state != null ? state : UserState.empty()).judge(userId,
                new UserTransaction(transaction.transactionId(), t, transaction.amount(), transaction.country()),
                rules, watermark == Long.MIN_VALUE ? Long.MIN_VALUE : watermark - graceMs - rules.lookbackMs());
        if (judgement.duplicate()) {
            log.debug("Transaction {} of user {} already counted; ignored", transaction.transactionId(), userId);
            return;
        }
        users.put(userId, judgement.state());
        FraudAlert alert = judgement.alert();
        if (alert != null) {
            context.forward(new Record<>(userId, alert, t), ALERTS_SINK);
            alertsRaised.get(alert.alertType()).increment();
        }
        maybeExpire();
    }

    /**
     * Late means {@code t + grace <= rwm}, i.e. {@code grace} or more behind the stream time of its
     * input partition when read; a transaction at that stream time itself is never late, so a grace
     * of 0 accepts in-order transactions and rejects every out-of-order one.
     */
    static boolean isLate(long t, long rwm, long graceMs) {
        return t < rwm && rwm - t >= graceMs;
    }

    /** A TTL batch each time the watermark crosses a multiple of {@code ttl-punctuation-interval}. */
    private void maybeExpire() {
        long watermark = this.watermark.get();
        if (watermark == Long.MIN_VALUE
                || (ttlAt != Long.MIN_VALUE && Math.floorDiv(watermark, ttlEveryMs) <= Math.floorDiv(ttlAt, ttlEveryMs))) {
            return;
        }
        ttlAt = watermark;
        expireIdleUsers(watermark);
    }

    /**
     * One TTL batch: examines at most {@code ttl-batch-size} users from where the last batch
     * stopped and deletes the idle ones. At the end of the store the next batch starts over.
     */
    private void expireIdleUsers(long watermark) {
        List<String> idle = new ArrayList<>();
        int examined = 0;
        String next = null;
        try (KeyValueIterator<String, UserState> batch = users.range(ttlResumeFrom, null)) {
            while (batch.hasNext()) {
                KeyValue<String, UserState> entry = batch.next();
                if (examined == props.ttlBatchSize()) {
                    next = entry.key;
                    break;
                }
                examined++;
                if (entry.value.expired(watermark, ttlMs)) {
                    idle.add(entry.key);
                }
            }
        }
        // deleted after the iterator is closed, not under it
        idle.forEach(users::delete);
        ttlResumeFrom = next;
        if (!idle.isEmpty()) {
            expired.increment(idle.size());
            log.debug("Deleted the fraud state of {} users idle for {} or more", idle.size(), props.stateTtl());
        }
    }
}
