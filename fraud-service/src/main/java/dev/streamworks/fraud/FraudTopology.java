package dev.streamworks.fraud;

import dev.streamworks.common.event.Transaction;
import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.serde.EventSerde;
import dev.streamworks.common.serde.JsonSerde;
import dev.streamworks.common.serde.RepartitionSerde;
import dev.streamworks.common.serde.Parsed;
import dev.streamworks.common.streams.EventTimeExtractor;
import dev.streamworks.common.time.Clock;
import dev.streamworks.common.time.EventTime;
import dev.streamworks.common.time.Stage;
import dev.streamworks.fraud.domain.FraudAlert;
import dev.streamworks.fraud.processor.FraudStateProcessor;
import dev.streamworks.fraud.processor.TransactionCodec;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The fraud state machine (docs/topics.md, fraud-service), the course's per-user fraud pipeline:
 * <pre>
 * transactions (key untrusted) -> validate, event time = transaction_time -> re-key by user_id
 *   -> per user: rules over (t - lookback, t], CLEAR/SUSPECTED episodes (RocksDB key-value store)
 *   -> fraud-alerts (FRAUD_SUSPECTED, FRAUD_ESCALATED; timestamp = transaction time), fraud.late
 * </pre>
 * Bad transactions never get past the source: they fail validation in the serde and go to the
 * dead-letter topic. Repartitioning by user carries the transactions' original bytes, so a late
 * transaction reaches the late topic exactly as it was sent, the parsed transaction in binary
 * ({@link RepartitionSerde}), so the user task does not parse the JSON a second time, and its
 * event-time stamp with the heartbeats that give every user task the watermark ({@link EventTime}); a
 * transaction whose user's repartition partition is the one it was read from skips the topic (the local
 * hop), so the transactions source and the state machine form one sub-topology. The state
 * machine runs in arrival order, the windows in event time: an out-of-order transaction within
 * grace is inserted at its place and judged at its own time, but transactions judged before it are
 * not judged again.
 */
public final class FraudTopology {

    public static final String SOURCE = "transactions-source";
    public static final String COUNT_TRANSACTIONS = "count-transactions";
    public static final String TRANSACTIONS_BY_USER = "transactions-by-user";
    public static final String USER_CLOCK = "user-watermarks";
    public static final String FRAUD_STATE_MACHINE = "fraud-state-machine";
    /** Stage id of this topology's event-time channels. */
    static final int TRANSACTIONS_STAGE = 0;

    private final FraudProperties props;
    private final EventSerde<Transaction> transactions;
    private final StreamworksMetrics metrics;
    private final EventTime eventTime;
    private final String lateTopic;

    public FraudTopology(FraudProperties props, EventSerde<Transaction> transactions, StreamworksMetrics metrics,
                         EventTime eventTime, String lateTopic) {
        this.props = props;
        this.transactions = transactions;
        this.metrics = metrics;
        this.eventTime = eventTime;
        this.lateTopic = lateTopic;
    }

    public void addTo(StreamsBuilder builder) {
        String input = props.topics().transactions();
        // producers key transactions by user in practice (the key is not trusted): a transaction whose
        // user hashes to the partition it was read from skips the repartition topic (EventTime#send)
        Stage stage = Stage.input(TRANSACTIONS_STAGE, input).withLocalHop();
        KStream<String, Parsed<Transaction>> source = builder
                .stream(input, Consumed.with(Serdes.String(), transactions)
                        .withTimestampExtractor(new EventTimeExtractor()).withName(SOURCE))
                .peek((key, transaction) -> metrics.recordIn(input, transaction.value().eventTime().toEpochMilli()),
                        Named.as(COUNT_TRANSACTIONS));
        KStream<String, Object> outputs = eventTime.receive(
                        eventTime.sendKeyedBy(source, stage, (key, transaction) -> transaction.value().userId(),
                                RepartitionSerde.of(transactions, new TransactionCodec()), TRANSACTIONS_BY_USER),
                        USER_CLOCK, stage)
                .process(FraudStateProcessor.supplier(props, metrics, eventTime, Clock.of(USER_CLOCK)), Named.as(FRAUD_STATE_MACHINE));
        eventTime.bind(Clock.of(USER_CLOCK), props.topics().alerts());
        // the processor forwards each record to the sink it belongs to, by name
        outputs.to(props.topics().alerts(), Produced.with(Serdes.String(), erased(JsonSerde.of(FraudAlert.class)))
                .withName(FraudStateProcessor.ALERTS_SINK));
        outputs.to(lateTopic, Produced.with(Serdes.String(), erased(Serdes.ByteArray()))
                .withName(FraudStateProcessor.LATE_SINK));
    }

    @SuppressWarnings("unchecked")
    private static <T> Serde<Object> erased(Serde<T> serde) {
        return (Serde<Object>) (Serde<?>) serde;
    }
}
