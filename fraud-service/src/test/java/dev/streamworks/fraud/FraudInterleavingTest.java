package dev.streamworks.fraud;

import dev.streamworks.common.config.StreamworksProperties;
import dev.streamworks.common.event.Transaction;
import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.serde.EventSerde;
import dev.streamworks.common.serde.JsonSerde;
import dev.streamworks.common.serde.Parsed;
import dev.streamworks.common.serde.RepartitionSerde;
import dev.streamworks.common.testing.ChannelFeed;
import dev.streamworks.common.testing.TestEventTime;
import dev.streamworks.common.testing.TestEvents;
import dev.streamworks.common.testing.TestTimes;
import dev.streamworks.common.testing.TopologyDriver;
import dev.streamworks.common.time.Stage;
import dev.streamworks.fraud.domain.FraudAlert;
import dev.streamworks.fraud.domain.UserState;
import dev.streamworks.fraud.domain.UserTransaction;
import dev.streamworks.fraud.processor.FraudStateProcessor;
import dev.streamworks.fraud.processor.TransactionCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.streamworks.common.testing.ChannelFeed.late;
import static dev.streamworks.common.testing.ChannelFeed.read;
import static dev.streamworks.common.testing.ChannelFeed.sorted;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production fraud topology with six transaction partitions (EVENT-TIME.md "How to prove it"):
 * transactions of six channels, each user in one channel (a producer keyed by user), stamped as the
 * transactions stage stamps them, fed to the user task through its repartition topic in chunks
 * minutes of event time apart, in random interleavings. {@code fraud-alerts} and {@code fraud.late}
 * must be identical every time and equal to a batch computation of docs/semantics.md section 6: per
 * user in its channel's order, a transaction is late iff {@code t < rwm} and {@code rwm - t >= grace};
 * every other one is judged by the domain rule ({@link UserState#judge}) over the user's whole
 * history (nothing dropped, no TTL). The topology drops transactions by the watermark and deletes
 * users after {@code state-ttl}, here the smallest allowed ({@code lookback + grace}): neither may
 * change an alert, whatever the interleaving.
 */
class FraudInterleavingTest {

    private static final String APP = "fraud";
    private static final String REPARTITION = APP + "-" + FraudTopology.TRANSACTIONS_BY_USER + "-repartition";
    private static final String LATE = "fraud.late";
    private static final String DLQ = "fraud.dlq";
    private static final int CHANNELS = 6;
    private static final int RUNS = 3;
    private static final long MINUTE = 60_000;
    private static final Stage TRANSACTIONS = Stage.input(FraudTopology.TRANSACTIONS_STAGE, "transactions");
    private static final FraudProperties DEFAULTS = FraudProperties.defaults();
    /** The defaults with the shortest state TTL allowed: users are deleted as early as the rule lets them. */
    private static final FraudProperties PROPS = new FraudProperties(DEFAULTS.topics(), DEFAULTS.lookback(),
            DEFAULTS.grace(), DEFAULTS.maxTransactions(), DEFAULTS.maxAmount(), DEFAULTS.maxCountries(),
            DEFAULTS.lookback().plus(DEFAULTS.grace()), DEFAULTS.ttlBatchSize(), DEFAULTS.ttlPunctuationInterval());
    private static final long GRACE = PROPS.grace().toMillis();
    private static final List<String> COUNTRIES = List.of("US", "FR", "DE", "BR", "JP");

    private static final StreamworksProperties COMMON = StreamworksProperties.defaults();
    private static final EventSerde<Transaction> SERDE = new EventSerde<>(Transaction.class,
            COMMON.maxRecordBytesInt(), COMMON.maxFutureSkew(), TestTimes.CLOCK);
    private static final RepartitionSerde<Transaction> REPARTITIONED = RepartitionSerde.of(SERDE, new TransactionCodec());

    @TempDir
    Path stateDir;

    /** Users the state TTL deleted, per run. */
    private final List<Double> expired = new ArrayList<>();

    /** One transaction as its channel sent it, with its read watermark. */
    private record Sent(String id, String user, long t, double amount, String country, String json, long rwm) {
        String originKey() {
            return "in-" + user;
        }
    }

    private record Outputs(List<String> alerts, List<String> late) {
    }

    @Test
    void sixTransactionChannelsInRandomInterleavingsGiveTheBatchResult() {
        long seed = Long.getLong("interleaving.seed", new Random().nextLong());
        Random random = new Random(seed);
        ChannelFeed feed = new ChannelFeed();
        List<List<Sent>> channels = generate(random, feed);
        Outputs expected = batch(channels);

        assertThat(expected.alerts()).as("the data raises alerts of both kinds (seed %d)", seed)
                .anyMatch(alert -> alert.contains("FRAUD_SUSPECTED")).anyMatch(alert -> alert.contains("FRAUD_ESCALATED"))
                .anyMatch(alert -> alert.contains("MULTIPLE_COUNTRIES")).anyMatch(alert -> alert.contains("AMOUNT_SPIKE"))
                .anyMatch(alert -> alert.contains("TOO_MANY_TRANSACTIONS"));
        assertThat(expected.late()).as("the data has late transactions (seed %d)", seed).hasSizeGreaterThan(10);
        assertThat(channels.stream().flatMap(List::stream).filter(tx -> tx.rwm() - tx.t() == GRACE).count())
                .as("transactions late exactly at the grace (seed %d)", seed).isPositive();
        assertThat(channels.stream().flatMap(List::stream).filter(tx -> tx.rwm() - tx.t() == GRACE - 1).count())
                .as("transactions 1 ms within the grace (seed %d)", seed).isPositive();

        Outputs first = null;
        for (int run = 0; run < RUNS; run++) {
            List<ChannelFeed.Sent> interleaving = feed.interleave(random);
            assertThat(ChannelFeed.skewMs(interleaving)).as("channels minutes apart, seed %d run %d", seed, run)
                    .isGreaterThanOrEqualTo(10 * MINUTE);
            Outputs outputs = drive(interleaving, seed, run);
            assertThat(outputs.alerts()).as("fraud-alerts, seed %d run %d", seed, run)
                    .containsExactlyElementsOf(expected.alerts());
            assertThat(outputs.late()).as("fraud.late, seed %d run %d", seed, run)
                    .containsExactlyElementsOf(expected.late());
            if (first != null) {
                assertThat(outputs).as("identical outputs, seed %d run %d", seed, run).isEqualTo(first);
            }
            first = outputs;
        }
        assertThat(expired).as("the state TTL deleted users in every run (seed %d)", seed).allMatch(n -> n > 0);
    }

    /**
     * Per channel, users of its own at the channel's own pace: mostly in order, some minutes out of
     * order, some over the grace late, some tied at the grace (exactly, or 1 ms within), bursts of one
     * user (too many, large amounts, several countries), producer retries (the same transaction
     * again), users seen rarely (the state TTL may delete them between two of their transactions) and
     * one seen once per channel (the TTL deletes it); each channel spans 70 to 130 minutes.
     */
    private static List<List<Sent>> generate(Random random, ChannelFeed feed) {
        List<List<Sent>> channels = new ArrayList<>();
        int id = 0;
        for (int c = 0; c < CHANNELS; c++) {
            ChannelFeed.Channel channel = feed.channel(REPARTITION, TRANSACTIONS.channel(c));
            List<Sent> sent = new ArrayList<>();
            long time = TestTimes.T0.toEpochMilli() + random.nextInt(60_000);
            long pace = 10_000 + random.nextInt(50_000);
            long end = time + 70 * MINUTE + random.nextInt(60 * (int) MINUTE);
            // seen once: the state TTL deletes it in every interleaving, once the watermark is 25 minutes on
            sent.add(send(channel, "tx" + id++, "sleeper" + c, time, random));
            while (time < end) {
                time += random.nextInt((int) pace);
                String user = random.nextInt(30) == 0 ? "rare" + c : "u" + c + "-" + random.nextInt(8);
                int kind = random.nextInt(100);
                if (kind < 8) {
                    sent.add(send(channel, "tx" + id++, user, time - random.nextInt(10 * (int) MINUTE), random));
                } else if (kind < 11) {
                    sent.add(send(channel, "tx" + id++, user, time - GRACE - random.nextInt(40 * (int) MINUTE), random));
                } else if (kind < 16) {
                    long channelAt = time + random.nextInt(1000);
                    time = channelAt;
                    sent.add(send(channel, "tx" + id++, user, channelAt, random));
                    sent.add(send(channel, "tx" + id++, user, channelAt - GRACE + (kind % 2), random));
                } else if (kind < 20 && !sent.isEmpty()) {
                    Sent again = sent.get(sent.size() - 1 - random.nextInt(Math.min(sent.size(), 20)));
                    long rwm = channel.send(again.originKey(), again.user(), value(again.json()), again.t());
                    sent.add(new Sent(again.id(), again.user(), again.t(), again.amount(), again.country(), again.json(),
                            rwm));
                } else if (kind < 25) {
                    boolean traveller = random.nextBoolean();
                    for (int n = 4 + random.nextInt(5); n > 0; n--) {
                        time += random.nextInt(90_000);
                        String country = traveller ? COUNTRIES.get(random.nextInt(COUNTRIES.size())) : "US";
                        double amount = random.nextInt(4) == 0 ? 2_000 + random.nextInt(600_000) / 100.0
                                : random.nextInt(50_000) / 100.0;
                        sent.add(send(channel, "tx" + id++, user, time, amount, country));
                    }
                } else {
                    sent.add(send(channel, "tx" + id++, user, time, random));
                }
            }
            channels.add(sent);
        }
        return channels;
    }

    private static Sent send(ChannelFeed.Channel channel, String id, String user, long t, Random random) {
        String country = random.nextInt(10) == 0 ? COUNTRIES.get(random.nextInt(COUNTRIES.size())) : "US";
        return send(channel, id, user, t, random.nextInt(50_000) / 100.0, country);
    }

    private static Sent send(ChannelFeed.Channel channel, String id, String user, long t, double amount,
                             String country) {
        String json = TestEvents.transaction(id, Instant.ofEpochMilli(t), user, amount, country);
        long rwm = channel.send("in-" + user, user, value(json), t);
        return new Sent(id, user, t, amount, country, json, rwm);
    }

    private static byte[] value(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return REPARTITIONED.write(new Parsed<>(SERDE.parse(bytes), bytes));
    }

    /** docs/semantics.md section 6, per user in its channel's order, over the user's whole history. */
    private static Outputs batch(List<List<Sent>> channels) {
        List<String> alerts = new ArrayList<>();
        List<String> late = new ArrayList<>();
        Map<String, UserState> users = new HashMap<>();
        for (List<Sent> channel : channels) {
            for (Sent tx : channel) {
                if (tx.t() < tx.rwm() && tx.rwm() - tx.t() >= GRACE) {
                    late.add(late(tx.originKey(), tx.json(), PROPS.topics().alerts(), tx.t(), tx.rwm()));
                    continue;
                }
                UserState.Judgement judgement = users.getOrDefault(tx.user(), UserState.empty()).judge(tx.user(),
                        new UserTransaction(tx.id(), tx.t(), tx.amount(), tx.country()), PROPS.rules(), Long.MIN_VALUE);
                users.put(tx.user(), judgement.state());
                if (judgement.alert() != null) {
                    alerts.add(tx.user() + "|" + judgement.alert());
                }
            }
        }
        return new Outputs(sorted(alerts), sorted(late));
    }


    private Outputs drive(List<ChannelFeed.Sent> interleaving, long seed, int run) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        StreamworksMetrics metrics = new StreamworksMetrics(registry, TestTimes.CLOCK);
        try (TopologyTestDriver driver = TopologyDriver.drive(TopologyDriver.settings(APP, COMMON, metrics, stateDir),
                builder -> new FraudTopology(PROPS, SERDE, metrics, TestEventTime.partitions(CHANNELS, "transactions"),
                        LATE).addTo(builder))) {
            ChannelFeed.pipe(driver, interleaving);
            List<String> alerts = new ArrayList<>();
            for (TestRecord<String, String> record : read(driver, PROPS.topics().alerts())) {
                alerts.add(record.key() + "|" + JsonSerde.of(FraudAlert.class).deserializer()
                        .deserialize("test", record.value().getBytes(StandardCharsets.UTF_8)));
            }
            List<String> late = ChannelFeed.lateRecords(driver, LATE, "seed " + seed + " run " + run);
            assertThat(read(driver, DLQ)).as("no dead letters, seed %d run %d", seed, run).isEmpty();
            expired.add(registry.get(FraudStateProcessor.EXPIRED_METER).counter().count());
            return new Outputs(sorted(alerts), sorted(late));
        }
    }



}
