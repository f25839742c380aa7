package dev.streamworks.differential.gen;

import tools.jackson.databind.node.ObjectNode;

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
 * Course-shaped click data made to break a click-stream pipeline: users with sessions, bursts
 * above the anomaly threshold, exact re-sends and event ids reused after the dedup window, clicks
 * minutes out of order, users whose clicks arrive over an hour late, impressions before, after and
 * exactly at the join bounds, a users table with users missing and a change mid-stream, bad input of
 * every kind, ties at every window, grace, gap and threshold bound (placed where the partition stream
 * time is exactly the bound), the impressions topic running ahead of or behind the clicks and
 * partitions at different paces. Deterministic per seed, partition count and base instant.
 */
public final class ClickstreamGenerator {

    public static final String CLICKS = "user-clicks";
    public static final String IMPRESSIONS = "user-impressions";
    public static final String USERS = "cdc.users";

    private static final long S = 1000;
    private static final long M = 60 * S;
    private static final long H = 60 * M;
    private static final String[] TYPES = {"view", "add_to_cart", "purchase", "remove"};
    private static final String[] SEGMENTS = {"gold", "silver", "bronze", "new"};
    private static final String[] CATEGORIES = {"books", "garden", "toys", "audio"};

    /** How much data: users, products, hours of event time, click rate, tie sites, bursts; chunks of a live run. */
    public record Size(int users, int products, int hours, int sessionClicks, int anchorSites, int bursts,
                       int malformedCopies, int liveChunks) {
        public static final Size SHORT = new Size(100, 50, 3, 7, 3, 3, 1, 12);
        public static final Size LONG = new Size(300, 50, 5, 9, 10, 8, 3, 40);
    }

    private final Random random;
    private final int partitions;
    private final long start;
    private final long end;
    private final Size size;
    private final Layout layout;
    private final Map<String, Integer> partitionOf = new LinkedHashMap<>();
    private final Map<Integer, List<String>> usersOf = new HashMap<>();
    private final double[] prices;
    private int events;
    private int impressions;
    private int sites;

    private ClickstreamGenerator(long seed, int partitions, Instant base, Size size) {
        if (base.toEpochMilli() % H != 0) {
            throw new IllegalArgumentException("base must start an hour: " + base);
        }
        this.random = new Random(seed);
        this.partitions = partitions;
        this.start = base.toEpochMilli();
        this.end = start + size.hours() * H;
        this.size = size;
        this.layout = new Layout(partitions, CLICKS, IMPRESSIONS, USERS);
        this.prices = new double[size.products()];
        for (int i = 0; i < prices.length; i++) {
            prices[i] = Values.price(random);
        }
    }

    public static DataSet generate(long seed, int partitions, Instant base, Size size) {
        return new ClickstreamGenerator(seed, partitions, base, size).build(seed);
    }

    /**
     * A user of the random traffic in partition {@code index % partitions}; every other one with an id
     * that hashes there (as a producer keying by user places it: the service's repartition by user
     * keeps its clicks and impressions in their partition, its local hop).
     */
    private String user(int index) {
        String user = String.format("u-%03d", index);
        for (int k = 1; index % 2 == 0 && Layout.partitionOf(user, partitions) != index % partitions; k++) {
            user = String.format("u-%03d-%d", index, k);
        }
        partitionOf.put(user, index % partitions);
        usersOf.computeIfAbsent(index % partitions, p -> new ArrayList<>()).add(user);
        return user;
    }

    private String dedicated(String name, int partition) {
        partitionOf.put(name, partition);
        return name;
    }

    private String someUser(int partition) {
        List<String> users = usersOf.get(partition);
        return users.get(random.nextInt(users.size()));
    }

    private String product() {
        return String.format("p-%02d", random.nextInt(100) < 40 ? random.nextInt(Math.min(8, prices.length))
                : random.nextInt(prices.length));
    }

    private String eventType() {
        int draw = random.nextInt(100);
        return draw < 60 ? TYPES[0] : draw < 80 ? TYPES[1] : draw < 92 ? TYPES[2] : TYPES[3];
    }

    private ObjectNode clickNode(String eventId, String user, long time, String type, String product) {
        ObjectNode node = Values.object();
        node.put("event_id", eventId);
        Values.putTime(node, "timestamp", time, random);
        node.put("user_id", user);
        node.put("event_type", type);
        node.put("product_id", product);
        if (random.nextInt(2) == 0) {
            node.put("product_name", "Product " + product);
            node.put("category", CATEGORIES[random.nextInt(CATEGORIES.length)]);
        }
        int draw = random.nextInt(100);
        if (draw < 85) {
            node.put("price", prices[Integer.parseInt(product.substring(2))]);
        }
        if (draw < 70 || draw >= 92) {
            node.put("quantity", 1 + random.nextInt(4));
        }
        if (random.nextInt(100) < 5) {
            node.put("referrer", "campaign-" + random.nextInt(5));
        }
        return node;
    }

    private Rec click(String user, long time, String... tags) {
        return clickWithId("e-" + (++events), user, time, tags);
    }

    private Rec clickWithId(String eventId, String user, long time, String... tags) {
        String value = Values.text(clickNode(eventId, user, time, eventType(), product()));
        return new Rec(CLICKS, partitionOf.get(user), user, value, false, Set.of(tags));
    }

    private Rec impression(String user, String product, long time, String... tags) {
        ObjectNode node = Values.object();
        node.put("impression_id", "i-" + (++impressions));
        node.put("user_id", user);
        node.put("product_id", product);
        Values.putTime(node, "impression_time", time, random);
        return new Rec(IMPRESSIONS, partitionOf.get(user), user, Values.text(node), false, Set.of(tags));
    }

    private record Laid(Rec rec, long time, long arrival) {
    }

    private DataSet build(long seed) {
        List<String> regular = new ArrayList<>();
        for (int i = 1; i <= size.users(); i++) {
            regular.add(user(i));
        }
        Set<String> veryLate = new HashSet<>();
        while (veryLate.size() < Math.max(2, size.users() / 40)) {
            veryLate.add(regular.get(random.nextInt(regular.size())));
        }
        List<Laid> originals = new ArrayList<>();
        for (String user : regular) {
            sessions(user, veryLate.contains(user), originals);
        }
        duplicatesAndReuses(originals, regular);
        bursts(regular, veryLate);
        sessionTies();
        for (int p = 0; p < partitions; p++) {
            layout.add(click(someUser(p), end, "closing"), end, end);
        }
        impressions(originals, regular);
        List<Rec> setup = usersTable(regular);
        layout.sort();
        for (int site = 0; site < size.anchorSites(); site++) {
            tieSite();
        }
        malformed(regular);
        long[] clickPace = new long[partitions];
        long[] impressionPace = new long[partitions];
        long impressionsAhead = random.nextBoolean() ? -40 * M : 40 * M;
        for (int p = 0; p < partitions; p++) {
            clickPace[p] = (random.nextInt(41) - 20) * M;
            impressionPace[p] = impressionsAhead + (random.nextInt(41) - 20) * M;
        }
        List<Rec> order = layout.productionOrder(Map.of(CLICKS, clickPace, IMPRESSIONS, impressionPace));
        List<Integer> chunks = new ArrayList<>(Layout.chunks(order, Math.max(60, order.size() / size.liveChunks())));
        order = Tables.placeChanges(order, chunks, USERS, Set.of(CLICKS));
        return new DataSet("clickstream", seed, partitions, Instant.ofEpochMilli(start), order, chunks, setup);
    }

    /** A user's sessions: bursts of clicks seconds to minutes apart, gaps longer than 30 minutes. */
    private void sessions(String user, boolean veryLate, List<Laid> originals) {
        long time = start + random.nextInt((int) (20 * M));
        String gapTag = null;
        // a very late user's clicks arrive over an hour late, before the data ends
        long last = veryLate ? end - 100 * M : end - M;
        while (time < last) {
            int clicks = 1 + random.nextInt(2 * size.sessionClicks());
            for (int k = 0; k < clicks && time < last; k++) {
                Rec rec = gapTag == null ? click(user, time) : click(user, time, gapTag);
                gapTag = null;
                long arrival = time;
                if (veryLate) {
                    arrival = time + 65 * M + random.nextInt((int) (30 * M));
                    rec = retag(rec, "very-late-user");
                } else if (random.nextInt(100) < 3) {
                    arrival = time + M + random.nextInt((int) (7 * M));
                    rec = retag(rec, "out-of-order");
                }
                layout.add(rec, time, arrival);
                originals.add(new Laid(rec, time, arrival));
                time += S + (long) (-Math.log(1 - random.nextDouble()) * 60 * S);
            }
            int draw = random.nextInt(100);
            if (draw < 4) {
                time += 30 * M;
                gapTag = "session-gap-exact";
            } else if (draw < 7) {
                time += 30 * M + 1;
                gapTag = "session-gap-exact-plus-1ms";
            } else {
                time += 31 * M + random.nextInt((int) (40 * M));
            }
        }
    }

    private static Rec retag(Rec rec, String tag) {
        Set<String> tags = new HashSet<>(rec.tags());
        tags.add(tag);
        return new Rec(rec.topic(), rec.partition(), rec.key(), rec.value(), rec.malformed(), tags);
    }

    private static Rec copy(Rec rec, String tag) {
        return new Rec(rec.topic(), rec.partition(), rec.key(), rec.value(), rec.malformed(), Set.of(tag));
    }

    private String eventIdOf(Rec rec) {
        return Values.MAPPER.readTree(rec.value()).get("event_id").asString();
    }

    private void duplicatesAndReuses(List<Laid> originals, List<String> regular) {
        for (Laid laid : originals) {
            int draw = random.nextInt(1000);
            if (draw < 25) {
                layout.add(copy(laid.rec(), "dup-exact"), laid.time(), laid.arrival() + S + random.nextInt((int) (20 * M)));
            } else if (draw < 30) {
                layout.add(copy(laid.rec(), "dup-resent-after-hour"), laid.time(),
                        laid.arrival() + 70 * M + random.nextInt((int) (30 * M)));
            } else if (draw < 42) {
                long time = laid.time() + H + S + random.nextInt((int) H);
                if (time < end - M) {
                    Rec reuse = clickWithId(eventIdOf(laid.rec()), regular.get(random.nextInt(regular.size())), time,
                            "reused-id-after-hour");
                    layout.add(reuse, time, time);
                }
            }
        }
    }

    private void bursts(List<String> regular, Set<String> veryLate) {
        for (int b = 0; b < size.bursts(); b++) {
            String user;
            do {
                user = regular.get(random.nextInt(regular.size()));
            } while (veryLate.contains(user));
            burst(user, 55 + random.nextInt(26), -1, "burst");
        }
        burst(dedicated("t-burst-50", random.nextInt(partitions)), 50, -1, "burst-50");
        burst(dedicated("t-burst-51", random.nextInt(partitions)), 51, -1, "burst-51");
        burst(dedicated("t-burst-51-one-late", random.nextInt(partitions)), 51, 7, "burst-51-one-late");
    }

    /** {@code clicks} clicks of one user inside one minute; the {@code lateOne}-th arrives 7-9 minutes late. */
    private void burst(String user, int clicks, int lateOne, String tag) {
        long minute = start + (10 + random.nextInt((int) ((end - start) / M) - 30)) * M;
        List<Long> times = new ArrayList<>();
        for (int k = 0; k < clicks; k++) {
            times.add(minute + random.nextInt((int) M));
        }
        times.sort(Long::compare);
        for (int k = 0; k < clicks; k++) {
            long time = times.get(k);
            long arrival = k == lateOne ? time + 7 * M + random.nextInt((int) (2 * M)) : time;
            layout.add(click(user, time, k == lateOne ? tag + "-late-click" : tag), time, arrival);
        }
    }

    /** Session gap bounds that need no stream-time control: exactly the gap joins, 1 ms more splits. */
    private void sessionTies() {
        long t = start + 40 * M + random.nextInt((int) ((end - start) - 100 * M));
        String join = dedicated("t-gap-join", random.nextInt(partitions));
        layout.add(click(join, t, "tie-session-gap-join"), t, t);
        layout.add(click(join, t + 30 * M, "tie-session-gap-join"), t + 30 * M, t + 30 * M);
        String split = dedicated("t-gap-split", random.nextInt(partitions));
        layout.add(click(split, t, "tie-session-gap-split"), t, t);
        layout.add(click(split, t + 30 * M + 1, "tie-session-gap-split"), t + 30 * M + 1, t + 30 * M + 1);
        String before = dedicated("t-gap-before-start", random.nextInt(partitions));
        layout.add(click(before, t, "tie-session-start-gap"), t, t);
        layout.add(click(before, t - 30 * M, "tie-session-start-gap"), t - 30 * M, t + M);
    }

    private void impressions(List<Laid> originals, List<String> regular) {
        long last = end - M;
        for (Laid laid : originals) {
            if (random.nextInt(100) >= 35) {
                continue;
            }
            String user = laid.rec().key();
            String product = Values.MAPPER.readTree(laid.rec().value()).get("product_id").asString();
            int draw = random.nextInt(100);
            long time;
            String tag;
            if (draw < 70) {
                time = laid.time() - random.nextInt((int) H);
                tag = "impression-before";
            } else if (draw < 75) {
                time = laid.time() - H;
                tag = "tie-join-hour";
            } else if (draw < 80) {
                time = laid.time();
                tag = "tie-join-same-time";
            } else if (draw < 85) {
                time = laid.time() - H - 1;
                tag = "tie-join-hour-plus-1ms";
            } else {
                time = laid.time() + 1 + random.nextInt((int) (10 * M));
                tag = "impression-after";
            }
            addImpression(user, product, time, last, tag);
        }
        for (String user : regular) {
            for (int k = random.nextInt(3); k > 0; k--) {
                addImpression(user, product(), start + (long) (random.nextDouble() * (end - start)), last, "impression-never-clicked");
            }
        }
    }

    private void addImpression(String user, String product, long time, long last, String tag) {
        if (time < start || time > last) {
            return;
        }
        int draw = random.nextInt(100);
        long arrival = time;
        Rec rec = impression(user, product, time, tag);
        if (draw < 3) {
            arrival = time + M + random.nextInt((int) (11 * M));
            rec = retag(rec, "out-of-order");
        } else if (draw < 5) {
            arrival = time + 15 * M + random.nextInt((int) (25 * M));
            rec = retag(rec, "impression-late");
        }
        layout.add(rec, time, arrival);
    }

    /** The users table: most users with a segment, some missing; a change and a delete mid-stream. */
    private List<Rec> usersTable(List<String> regular) {
        List<Rec> setup = new ArrayList<>();
        List<String> inTable = new ArrayList<>();
        for (String user : regular) {
            if (random.nextInt(100) < 85) {
                ObjectNode row = Values.object();
                row.put("user_id", user);
                row.put("user_segment", SEGMENTS[random.nextInt(SEGMENTS.length)]);
                if (random.nextBoolean()) {
                    row.put("email", user + "@example.com");
                }
                setup.add(new Rec(USERS, partitionOf.get(user), user, Values.text(row), false, Set.of("users-row")));
                inTable.add(user);
            }
        }
        String changed = inTable.get(random.nextInt(inTable.size()));
        ObjectNode row = Values.object();
        row.put("user_id", changed);
        row.put("user_segment", "platinum");
        long middle = start + (end - start) / 2;
        layout.add(new Rec(USERS, partitionOf.get(changed), changed, Values.text(row), false, Set.of("users-change")), null, middle);
        String deleted;
        do {
            deleted = inTable.get(random.nextInt(inTable.size()));
        } while (deleted.equals(changed));
        layout.add(new Rec(USERS, partitionOf.get(deleted), deleted, null, false, Set.of("users-delete")), null, middle + H / 2);
        return setup;
    }

    /**
     * Ties placed where the partition stream time is exactly an aligned instant A (an anchor
     * click at A raises it there): every bound of every windowed output, the session grace, the
     * join graces and both dedup bounds.
     */
    private void tieSite() {
        int p = random.nextInt(partitions);
        long a = start + H + random.nextInt((int) ((end - start - 2 * H - 5 * M) / (5 * M)) + 1) * 5 * M;
        // sessions: a dedicated user's first click raises the stream time to exactly A - 40 min
        int site = ++sites;
        String late = dedicated("t-session-late-" + site, p);
        layout.anchor(click(late, a - 40 * M, "tie-session-grace"), a - 40 * M);
        String onTime = dedicated("t-session-ontime-" + site, p);
        layout.anchor(click(onTime, a - 40 * M + 1, "tie-session-grace"), a - 40 * M + 1);
        int at = layout.anchor(click(someUser(p), a, "anchor", "window-start"), a);
        List<Rec> ties = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        tie(ties, times, click(someUser(p), a - 10 * M - 1, "tie-window-grace-late"), a - 10 * M - 1);
        tie(ties, times, click(someUser(p), a - 10 * M, "tie-window-grace-ontime"), a - 10 * M);
        tie(ties, times, click(someUser(p), a - 20 * S, "tie-hopping-grace-late-oldest"), a - 20 * S);
        tie(ties, times, click(someUser(p), a - 10 * S, "tie-hopping-grace-ontime"), a - 10 * S);
        tie(ties, times, click(someUser(p), a - 5 * M - 1, "tie-anomaly-grace-late"), a - 5 * M - 1);
        tie(ties, times, click(someUser(p), a - 5 * M, "tie-anomaly-grace-ontime", "tie-join-click-grace-late"), a - 5 * M);
        tie(ties, times, click(someUser(p), a - 5 * M + 1, "tie-join-click-grace-ontime"), a - 5 * M + 1);
        tie(ties, times, click(late, a - 10 * M, "tie-session-grace-late"), a - 10 * M);
        tie(ties, times, click(onTime, a - 10 * M + 1, "tie-session-grace-ontime"), a - 10 * M + 1);
        Rec first = click(someUser(p), a - 3 * M, "dedup-first");
        Rec second = click(someUser(p), a - 2 * M, "dedup-first");
        Rec third = click(someUser(p), a - 10 * M, "dedup-first");
        Rec fourth = click(someUser(p), a - 9 * M, "dedup-first");
        tie(ties, times, first, a - 3 * M);
        tie(ties, times, second, a - 2 * M);
        tie(ties, times, third, a - 10 * M);
        tie(ties, times, fourth, a - 9 * M);
        for (int k = 0; k < ties.size(); k++) {
            layout.insert(at + k, ties.get(k), times.get(k));
        }
        // dedup by stream time: a copy read exactly 1 h (kept) and 1 h - 1 ms (dropped) later
        if (a + H <= end) {
            int copyAt = layout.anchor(click(someUser(p), a + H - 1, "anchor"), a + H - 1);
            layout.insert(copyAt, copy(second, "tie-dedup-read-under-hour"), a - 2 * M);
            copyAt = layout.anchor(click(someUser(p), a + H, "anchor"), a + H);
            layout.insert(copyAt, copy(first, "tie-dedup-read-hour"), a - 3 * M);
        }
        // dedup by event time: an id reused exactly 1 h (kept) and 1 h - 1 ms (dropped) later
        layout.anchor(clickWithId(eventIdOf(fourth), someUser(p), a - 9 * M + H - 1, "tie-dedup-time-under-hour"),
                a - 9 * M + H - 1);
        layout.anchor(clickWithId(eventIdOf(third), someUser(p), a - 10 * M + H, "tie-dedup-time-hour"), a - 10 * M + H);
        // the join's impression grace, on the impressions partition
        int impressionAt = layout.anchor(impression(someUser(p), product(), a, "anchor"), a);
        layout.insert(impressionAt, impression(someUser(p), product(), a - 10 * M, "tie-impression-grace-late"), a - 10 * M);
        layout.insert(impressionAt, impression(someUser(p), product(), a - 10 * M + 1, "tie-impression-grace-ontime"),
                a - 10 * M + 1);
    }

    private static void tie(List<Rec> ties, List<Long> times, Rec rec, long time) {
        ties.add(rec);
        times.add(time);
    }

    private void malformed(List<String> regular) {
        for (int copy = 0; copy < size.malformedCopies(); copy++) {
            String user = regular.get(random.nextInt(regular.size()));
            long t = start + (long) (random.nextDouble() * (end - start));
            for (Map.Entry<String, String> bad : badClicks(user, t).entrySet()) {
                layout.scatter(new Rec(CLICKS, partitionOf.get(user), user, bad.getValue(), true,
                        Set.of("malformed", "malformed-click-" + bad.getKey())), random);
            }
            for (Map.Entry<String, String> bad : badImpressions(user, t).entrySet()) {
                layout.scatter(new Rec(IMPRESSIONS, partitionOf.get(user), user, bad.getValue(), true,
                        Set.of("malformed", "malformed-impression-" + bad.getKey())), random);
            }
        }
    }

    private Map<String, String> badClicks(String user, long t) {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("not-json", "click at " + Instant.ofEpochMilli(t) + " by " + user);
        bad.put("empty", "");
        bad.put("truncated", "{\"event_id\":\"e-x\",\"timestamp\":\"" + Instant.ofEpochMilli(t) + "\",\"user_id\":");
        bad.put("json-array", "[\"" + user + "\"]");
        bad.put("missing-event_id", without(good(user, t), "event_id"));
        bad.put("missing-timestamp", without(good(user, t), "timestamp"));
        bad.put("missing-product_id", without(good(user, t), "product_id"));
        bad.put("null-user_id", with(good(user, t), node -> node.putNull("user_id")));
        bad.put("null-event_type", with(good(user, t), node -> node.putNull("event_type")));
        bad.put("number-user_id", with(good(user, t), node -> node.put("user_id", 42)));
        bad.put("unknown-event_type", with(good(user, t), node -> node.put("event_type", "click")));
        bad.put("string-price", with(good(user, t), node -> node.put("price", "9.99")));
        bad.put("fractional-quantity", with(good(user, t), node -> node.put("quantity", 2.5)));
        bad.put("negative-price", with(good(user, t), node -> node.put("price", -0.01)));
        bad.put("negative-quantity", with(good(user, t), node -> node.put("quantity", -1)));
        bad.put("unparseable-timestamp", with(good(user, t), node -> node.put("timestamp", "yesterday at noon")));
        bad.put("impossible-timestamp", with(good(user, t), node -> node.put("timestamp", "2025-13-45T25:61:00Z")));
        bad.put("far-future", with(good(user, t), node -> node.put("timestamp",
                Instant.ofEpochMilli(t).plus(Duration.ofDays(365L * 50)).toString())));
        bad.put("before-1970", with(good(user, t), node -> node.put("timestamp", "1969-12-31T23:59:59Z")));
        bad.put("before-1970-millis", with(good(user, t), node -> node.put("timestamp", -1000L)));
        bad.put("oversize", with(good(user, t), node -> node.put("product_name", "x".repeat(100_000))));
        return bad;
    }

    private Map<String, String> badImpressions(String user, long t) {
        ObjectNode good = Values.object();
        good.put("impression_id", "i-bad-" + (++impressions));
        good.put("user_id", user);
        good.put("product_id", product());
        good.put("impression_time", Instant.ofEpochMilli(t).toString());
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("not-json", "impression of " + user);
        bad.put("missing-impression_id", without(good.deepCopy(), "impression_id"));
        bad.put("null-product_id", with(good.deepCopy(), node -> node.putNull("product_id")));
        bad.put("unparseable-time", with(good.deepCopy(), node -> node.put("impression_time", "soon")));
        bad.put("far-future", with(good.deepCopy(), node -> node.put("impression_time",
                Instant.ofEpochMilli(t).plus(Duration.ofDays(365L * 50)).toString())));
        return bad;
    }

    private ObjectNode good(String user, long t) {
        ObjectNode node = clickNode("e-bad-" + (++events), user, t, eventType(), product());
        node.put("timestamp", Instant.ofEpochMilli(t).toString());
        return node;
    }

    private static String without(ObjectNode node, String field) {
        node.remove(field);
        return Values.text(node);
    }

    private static String with(ObjectNode node, java.util.function.Consumer<ObjectNode> change) {
        change.accept(node);
        return Values.text(node);
    }
}
