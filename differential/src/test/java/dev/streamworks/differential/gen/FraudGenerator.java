package dev.streamworks.differential.gen;

import tools.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Transactions made to break the fraud state machine: bursts above and exactly at the count
 * limit, amounts above and exactly at the amount limit, a third country, escalations, episodes
 * ending after a quiet period and exactly at the lookback, transactions out of order within the
 * grace, beyond it and exactly at it, repeated transaction ids, bad input of every kind.
 */
public final class FraudGenerator {

    public static final String TRANSACTIONS = "transactions";

    private static final long S = 1000;
    private static final long M = 60 * S;
    private static final long H = 60 * M;
    private static final String[] COUNTRIES = {"US", "FR", "DE", "GB", "JP", "BR"};

    /** How much data: users, hours of event time, copies of each scripted case, tie sites; chunks of a live run. */
    public record Size(int users, int hours, int scenarioCopies, int anchorSites, int malformedCopies, int liveChunks) {
        public static final Size SHORT = new Size(60, 3, 1, 3, 1, 12);
        public static final Size LONG = new Size(300, 5, 4, 10, 3, 40);
    }

    private final Random random;
    private final int partitions;
    private final long start;
    private final long end;
    private final Size size;
    private final Layout layout;
    private final Map<String, Integer> partitionOf = new LinkedHashMap<>();
    private final Map<Integer, List<String>> usersOf = new HashMap<>();
    private final Map<String, String> homeOf = new HashMap<>();
    private int transactions;
    private int scripted;

    private FraudGenerator(long seed, int partitions, Instant base, Size size) {
        if (base.toEpochMilli() % H != 0) {
            throw new IllegalArgumentException("base must start an hour: " + base);
        }
        this.random = new Random(seed);
        this.partitions = partitions;
        this.start = base.toEpochMilli();
        this.end = start + size.hours() * H;
        this.size = size;
        this.layout = new Layout(partitions, TRANSACTIONS);
    }

    public static DataSet generate(long seed, int partitions, Instant base, Size size) {
        return new FraudGenerator(seed, partitions, base, size).build(seed);
    }

    /**
     * A user of the random traffic (tie sites and closing transactions pick among them) in
     * {@code partition}; with {@code hashed} its id is chosen to hash there (as a producer keying by
     * user places it: the service's repartition by user keeps it in its partition, its local hop).
     */
    private String regular(String name, int partition, boolean hashed) {
        String id = name;
        for (int k = 1; hashed && Layout.partitionOf(id, partitions) != partition; k++) {
            id = name + "-" + k;
        }
        usersOf.computeIfAbsent(partition, p -> new ArrayList<>()).add(id);
        return place(id, partition);
    }

    /**
     * A user of its own: only the transactions of its scripted case; every other one is produced to
     * the partition its id hashes to, as a producer keying by user does.
     */
    private String user(String name, int partition) {
        return place(name, scripted++ % 2 == 0 ? Layout.partitionOf(name, partitions) : partition);
    }

    private String place(String name, int partition) {
        partitionOf.put(name, partition);
        homeOf.put(name, COUNTRIES[random.nextInt(COUNTRIES.length)]);
        return name;
    }

    private Rec transaction(String user, long time, BigDecimal amount, String country, String... tags) {
        ObjectNode node = Values.object();
        node.put("transaction_id", "tx-" + (++transactions));
        node.put("user_id", user);
        node.put("amount", amount);
        node.put("country", country);
        Values.putTime(node, "transaction_time", time, random);
        if (random.nextBoolean()) {
            node.put("currency", "EUR");
        }
        if (random.nextBoolean()) {
            node.put("merchant", "m-" + random.nextInt(40));
        }
        if (random.nextInt(8) == 0) {
            // a payment gateway's key (the key is not trusted): each produces to one partition
            int partition = partitionOf.get(user);
            Set<String> tagged = new HashSet<>(Set.of(tags));
            tagged.add("key-not-user");
            return new Rec(TRANSACTIONS, partition, "gw-" + partition + "-" + random.nextInt(3), Values.text(node), false,
                    tagged);
        }
        return new Rec(TRANSACTIONS, partitionOf.get(user), user, Values.text(node), false, Set.of(tags));
    }

    private BigDecimal smallAmount() {
        return BigDecimal.valueOf(500 + random.nextInt(49_500), 2);
    }

    private void add(Rec rec, long time, long arrival) {
        layout.add(rec, time, arrival);
    }

    private void inOrder(String user, long time, BigDecimal amount, String country, String tag) {
        add(transaction(user, time, amount, country, tag), time, time);
    }

    private DataSet build(long seed) {
        List<String> users = new ArrayList<>();
        for (int i = 1; i <= size.users(); i++) {
            users.add(regular(String.format("f-%03d", i), (i - 1) % partitions, i % 2 == 0));
        }
        for (String user : users) {
            for (long t = start + random.nextInt((int) (30 * M)); t < end - M;
                 t += M + (long) (-Math.log(1 - random.nextDouble()) * 12 * M)) {
                String country = random.nextInt(100) < 5 ? COUNTRIES[random.nextInt(COUNTRIES.length)] : homeOf.get(user);
                Rec rec = transaction(user, t, smallAmount(), country);
                int draw = random.nextInt(100);
                long arrival = t;
                if (draw < 3) {
                    arrival = t + M + random.nextInt((int) (9 * M));
                    rec = tagged(rec, "out-of-order");
                } else if (draw < 4) {
                    arrival = t + 16 * M + random.nextInt((int) (25 * M));
                    rec = tagged(rec, "late");
                }
                add(rec, t, arrival);
                if (random.nextInt(100) < 2) {
                    add(copy(rec, "repeated-transaction-id"), t, arrival + S + random.nextInt((int) (5 * M)));
                }
            }
        }
        for (int copy = 0; copy < size.scenarioCopies(); copy++) {
            scenarios(copy);
        }
        for (int p = 0; p < partitions; p++) {
            String user = usersOf.get(p).get(random.nextInt(usersOf.get(p).size()));
            inOrder(user, end, BigDecimal.ONE, homeOf.get(user), "closing");
        }
        layout.sort();
        for (int site = 0; site < size.anchorSites(); site++) {
            tieSite();
        }
        malformed(users);
        long[] pace = new long[partitions];
        for (int p = 0; p < partitions; p++) {
            pace[p] = (random.nextInt(41) - 20) * M;
        }
        List<Rec> order = layout.productionOrder(Map.of(TRANSACTIONS, pace));
        List<Integer> chunks = Layout.chunks(order, Math.max(60, order.size() / size.liveChunks()));
        return new DataSet("fraud", seed, partitions, Instant.ofEpochMilli(start), order, chunks, List.of());
    }

    private static Rec tagged(Rec rec, String tag) {
        Set<String> tags = new java.util.HashSet<>(rec.tags());
        tags.add(tag);
        return new Rec(rec.topic(), rec.partition(), rec.key(), rec.value(), rec.malformed(), tags);
    }

    private static Rec copy(Rec rec, String tag) {
        return new Rec(rec.topic(), rec.partition(), rec.key(), rec.value(), rec.malformed(), Set.of(tag));
    }

    private long someTime(long room) {
        return start + 20 * M + (long) (random.nextDouble() * (end - start - 20 * M - room));
    }

    /** The scripted users, each on its own: every rule above and exactly at its limit, escalations, episodes. */
    private void scenarios(int copy) {
        String suffix = "-" + copy;
        // 6 transactions in 10 minutes: TOO_MANY_TRANSACTIONS; 5: nothing; the 6th exactly 10 min after the 1st: nothing
        burst(user("x-six" + suffix, random.nextInt(partitions)), 6, 9 * M, "burst-six");
        burst(user("x-five" + suffix, random.nextInt(partitions)), 5, 9 * M, "tie-count-five");
        String edge = user("x-lookback-edge" + suffix, random.nextInt(partitions));
        long t = someTime(20 * M);
        for (int k = 0; k < 5; k++) {
            inOrder(edge, t + k * M, BigDecimal.TEN, homeOf.get(edge), "tie-lookback");
        }
        inOrder(edge, t + 10 * M, BigDecimal.TEN, homeOf.get(edge), "tie-lookback");
        // a resent transaction inside a burst of five is not a sixth
        String resent = user("x-five-resent" + suffix, random.nextInt(partitions));
        t = someTime(20 * M);
        for (int k = 0; k < 5; k++) {
            Rec rec = transaction(resent, t + k * M, BigDecimal.TEN, homeOf.get(resent), "tie-count-five");
            add(rec, t + k * M, t + k * M);
            if (k == 2) {
                add(copy(rec, "repeated-transaction-id"), t + k * M, t + 4 * M + 30 * S);
            }
        }
        // 5000 + 5000 = 10000: nothing; 5000 + 5000.01: AMOUNT_SPIKE
        pair(user("x-amount-limit" + suffix, random.nextInt(partitions)), new BigDecimal("5000.00"), "tie-amount-limit");
        pair(user("x-amount-spike" + suffix, random.nextInt(partitions)), new BigDecimal("5000.01"), "amount-spike");
        // three countries: MULTIPLE_COUNTRIES; two: nothing
        countries(user("x-three-countries" + suffix, random.nextInt(partitions)), 3, "three-countries");
        countries(user("x-two-countries" + suffix, random.nextInt(partitions)), 2, "tie-two-countries");
        // SUSPECTED, ESCALATED by a new rule, nothing for a rule already reported, ESCALATED again
        String escalate = user("x-escalate" + suffix, random.nextInt(partitions));
        t = someTime(30 * M);
        for (int k = 0; k < 6; k++) {
            inOrder(escalate, t + k * 30 * S, BigDecimal.TEN, "US", "escalation");
        }
        inOrder(escalate, t + 4 * M, new BigDecimal("9999.99"), "US", "escalation");
        inOrder(escalate, t + 5 * M, BigDecimal.TEN, "US", "escalation");
        inOrder(escalate, t + 6 * M, BigDecimal.TEN, "FR", "escalation");
        inOrder(escalate, t + 7 * M, BigDecimal.TEN, "JP", "escalation");
        // an episode, a quiet period, a new episode; a trigger exactly lookback after the last one stays in the episode
        episodeEnd("x-episode-ends" + suffix, 25 * M, "episode-ends");
        episodeEnd("x-episode-lookback" + suffix, 10 * M, "tie-episode-lookback");
        episodeEnd("x-episode-lookback-1ms" + suffix, 10 * M + 1, "tie-episode-lookback-plus-1ms");
        // a burst whose 2nd transaction arrives after the 5th: the 6th still sees six (it is inserted at its place)
        String ooo = user("x-burst-out-of-order" + suffix, random.nextInt(partitions));
        t = someTime(30 * M);
        for (int k = 0; k < 6; k++) {
            long time = t + k * M;
            add(transaction(ooo, time, BigDecimal.TEN, homeOf.get(ooo), "burst-out-of-order"), time,
                    k == 1 ? t + 4 * M + 30 * S : time);
        }
        // a burst whose newest transaction arrives first: each is judged at its own time, none sees six
        String newest = user("x-burst-newest-first" + suffix, random.nextInt(partitions));
        t = someTime(30 * M);
        for (int k = 0; k < 6; k++) {
            long time = t + k * M;
            add(transaction(newest, time, BigDecimal.TEN, homeOf.get(newest), "burst-newest-first"), time,
                    k == 5 ? t - S : time);
        }
    }

    private void burst(String user, int count, long span, String tag) {
        long t = someTime(20 * M);
        for (int k = 0; k < count; k++) {
            inOrder(user, t + k * span / Math.max(1, count - 1), BigDecimal.TEN, homeOf.get(user), tag);
        }
    }

    private void pair(String user, BigDecimal second, String tag) {
        long t = someTime(20 * M);
        inOrder(user, t, new BigDecimal("5000.00"), homeOf.get(user), tag);
        inOrder(user, t + 3 * M, second, homeOf.get(user), tag);
    }

    private void countries(String user, int count, String tag) {
        long t = someTime(20 * M);
        for (int k = 0; k < count; k++) {
            inOrder(user, t + k * 2 * M, BigDecimal.TEN, COUNTRIES[k], tag);
        }
    }

    /** Six transactions (the 6th triggers at T), then one spike of 10001 at T + {@code after}. */
    private void episodeEnd(String name, long after, String tag) {
        String user = user(name, random.nextInt(partitions));
        long t = someTime(60 * M);
        for (int k = 0; k < 6; k++) {
            inOrder(user, t + k * 20 * S, BigDecimal.TEN, homeOf.get(user), tag);
        }
        long trigger = t + 5 * 20 * S;
        inOrder(user, trigger + after, new BigDecimal("10001"), homeOf.get(user), tag);
    }

    /** Ties at the grace bound, where the partition stream time is exactly A. */
    private void tieSite() {
        int p = random.nextInt(partitions);
        long a = start + 20 * M + random.nextInt((int) ((end - start - 30 * M) / M)) * M;
        List<String> users = usersOf.get(p);
        String user = users.get(random.nextInt(users.size()));
        int at = layout.anchor(transaction(user, a, smallAmount(), homeOf.get(user), "anchor"), a);
        String other = users.get(random.nextInt(users.size()));
        layout.insert(at, transaction(other, a - 15 * M, smallAmount(), homeOf.get(other), "tie-grace-late"), a - 15 * M);
        layout.insert(at, transaction(other, a - 15 * M + 1, smallAmount(), homeOf.get(other), "tie-grace-ontime"),
                a - 15 * M + 1);
    }

    private void malformed(List<String> users) {
        for (int copy = 0; copy < size.malformedCopies(); copy++) {
            String user = users.get(random.nextInt(users.size()));
            long t = start + (long) (random.nextDouble() * (end - start));
            Map<String, String> bad = new LinkedHashMap<>();
            bad.put("not-json", "transaction of " + user);
            bad.put("empty", "");
            bad.put("json-array", "[\"tx\"]");
            bad.put("missing-transaction_id", Values.without(good(user, t), "transaction_id"));
            bad.put("missing-amount", Values.without(good(user, t), "amount"));
            bad.put("null-country", Values.with(good(user, t), node -> node.putNull("country")));
            bad.put("string-amount", Values.with(good(user, t), node -> node.put("amount", "100.00")));
            bad.put("negative-amount", Values.with(good(user, t), node -> node.put("amount", -0.01)));
            bad.put("number-user_id", Values.with(good(user, t), node -> node.put("user_id", 12345)));
            bad.put("unparseable-time", Values.with(good(user, t), node -> node.put("transaction_time", "2025-02-30T10:00:00Z")));
            bad.put("far-future", Values.with(good(user, t), node -> node.put("transaction_time",
                    Instant.ofEpochMilli(t).plus(Duration.ofDays(365L * 50)).toString())));
            bad.put("before-1970", Values.with(good(user, t), node -> node.put("transaction_time", -86_400_000L)));
            bad.put("oversize", Values.with(good(user, t), node -> node.put("merchant", "x".repeat(100_000))));
            bad.forEach((kind, value) -> layout.scatter(new Rec(TRANSACTIONS, partitionOf.get(user), user, value, true,
                    Set.of("malformed", "malformed-transaction-" + kind)), random));
        }
    }

    private ObjectNode good(String user, long t) {
        ObjectNode node = Values.object();
        node.put("transaction_id", "tx-bad-" + (++transactions));
        node.put("user_id", user);
        node.put("amount", new BigDecimal("20000"));
        node.put("country", homeOf.get(user));
        node.put("transaction_time", Instant.ofEpochMilli(t).toString());
        return node;
    }
}
