package dev.streamworks.differential.ref;

import dev.streamworks.differential.gen.DataSet;
import dev.streamworks.differential.gen.Rec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * clickstream-service's outputs for an input, computed as a plain batch over the list of records,
 * from docs/semantics.md sections 1-4 and 7 and CONTRACTS.md section 2, with nothing shared with
 * the service. Topic names are the contract's.
 */
public final class ClickstreamReference {

    public static final String CLICKS = "user-clicks";
    public static final String IMPRESSIONS = "user-impressions";
    public static final String USERS = "cdc.users";
    public static final String PRODUCTS = "clicks-per-product-5m";
    public static final String EVENT_TYPES = "event-type-counts";
    public static final String SESSIONS = "user-sessions";
    public static final String ACTIVITY = "user-activity";
    public static final String CONVERSION = "product-conversion";
    public static final String ANOMALIES = "activity-anomalies";
    public static final String MATCHES = "click-impression-matches";
    public static final String SEGMENTS = "segment-dashboard-5m";
    public static final String LATENESS = "event-lateness-1m";
    public static final String LATE = "clickstream.late";
    public static final String DLQ = "clickstream.dlq";

    static final long SECOND = 1000;
    static final long MINUTE = 60 * SECOND;
    static final long HOUR = 60 * MINUTE;
    static final long DEDUP_WINDOW = HOUR;
    static final long PRODUCT_SIZE = 5 * MINUTE;
    static final long PRODUCT_GRACE = 10 * MINUTE;
    static final long HOP_SIZE = 30 * SECOND;
    static final long HOP_ADVANCE = 10 * SECOND;
    static final long HOP_GRACE = 10 * SECOND;
    static final long SEGMENT_SIZE = 5 * MINUTE;
    static final long SEGMENT_GRACE = 10 * MINUTE;
    static final long ANOMALY_SIZE = MINUTE;
    static final long ANOMALY_GRACE = 5 * MINUTE;
    static final int ANOMALY_THRESHOLD = 50;
    static final long GAP = 30 * MINUTE;
    static final long SESSION_GRACE = 10 * MINUTE;
    static final long JOIN_INTERVAL = HOUR;
    static final long CLICK_GRACE = 5 * MINUTE;
    static final long IMPRESSION_GRACE = 10 * MINUTE;

    private static final Set<String> EVENT_TYPES_ALLOWED = Set.of("view", "add_to_cart", "purchase", "remove");

    /** How the input reached the service: as a backlog (the users table read to its end first) or live. */
    public enum Mode { BACKLOG, LIVE }

    record Click(Rec rec, String eventId, long time, String user, String type, String product,
                 BigDecimal price, Long quantity, long rwm) {

        /** price * quantity when both are there (event-type-counts sums it for every type). */
        BigDecimal amount() {
            return price != null && quantity != null ? price.multiply(BigDecimal.valueOf(quantity)) : null;
        }

        /** The revenue: price * quantity of a purchase with both fields. */
        BigDecimal revenue() {
            return type.equals("purchase") ? amount() : null;
        }
    }

    record Impression(Rec rec, String id, String user, String product, long time, long rwm) {
    }

    private final Contract contract;
    private final Mode mode;

    private ClickstreamReference(Contract.Settings settings, Mode mode) {
        this.contract = new Contract(settings);
        this.mode = mode;
    }

    public static Expected compute(DataSet data, Mode mode, Contract.Settings settings) {
        return new ClickstreamReference(settings, mode).run(data);
    }

    /** Whether the contract makes {@code rec} bad input (for the generator's own tests). */
    public static boolean isBad(Rec rec, Contract.Settings settings) {
        ClickstreamReference reference = new ClickstreamReference(settings, Mode.BACKLOG);
        try {
            if (rec.topic().equals(CLICKS)) {
                reference.click(rec, new Rwm());
            } else if (rec.topic().equals(IMPRESSIONS)) {
                reference.impression(rec, new Rwm());
            }
            return false;
        } catch (Contract.Bad bad) {
            return true;
        }
    }

    private Click click(Rec rec, Rwm rwm) throws Contract.Bad {
        ObjectNode node = contract.object(rec.value());
        String eventId = Contract.string(node, "event_id");
        long time = contract.time(node, "timestamp");
        String user = Contract.string(node, "user_id");
        String type = Contract.oneOf(node, "event_type", EVENT_TYPES_ALLOWED);
        String product = Contract.string(node, "product_id");
        Contract.optionalString(node, "product_name");
        Contract.optionalString(node, "category");
        BigDecimal price = Contract.number(node, "price", false, true);
        Long quantity = Contract.count(node, "quantity");
        return new Click(rec, eventId, time, user, type, product, price, quantity,
                rwm.read(rec.topic(), rec.partition(), time));
    }

    private Impression impression(Rec rec, Rwm rwm) throws Contract.Bad {
        ObjectNode node = contract.object(rec.value());
        String id = Contract.string(node, "impression_id");
        String user = Contract.string(node, "user_id");
        String product = Contract.string(node, "product_id");
        long time = contract.time(node, "impression_time");
        return new Impression(rec, id, user, product, time, rwm.read(rec.topic(), rec.partition(), time));
    }

    private static Expected declared() {
        return new Expected()
                .declare(PRODUCTS, Expected.Mode.LAST_PER_WINDOW)
                .declare(EVENT_TYPES, Expected.Mode.LAST_PER_WINDOW)
                .declare(SEGMENTS, Expected.Mode.LAST_PER_WINDOW)
                .declare(ACTIVITY, Expected.Mode.LAST_PER_KEY)
                .declare(CONVERSION, Expected.Mode.LAST_PER_KEY)
                .declare(ANOMALIES, Expected.Mode.MULTISET)
                .declare(SESSIONS, Expected.Mode.MULTISET)
                .declare(MATCHES, Expected.Mode.MULTISET)
                .declare(LATENESS, Expected.Mode.TOTAL_EVENTS)
                .declare(LATE, Expected.Mode.MULTISET)
                .declare(DLQ, Expected.Mode.MULTISET);
    }

    private Expected run(DataSet data) {
        Expected out = declared();
        Rwm rwm = new Rwm();
        Map<String, String> table = new HashMap<>();
        Map<String, String> finalTable = new HashMap<>();
        for (Rec rec : data.all()) {
            if (rec.topic().equals(USERS)) {
                apply(finalTable, rec);
            }
        }
        List<Click> deduplicated = new ArrayList<>();
        List<Impression> impressions = new ArrayList<>();
        Map<Click, String> segmentOf = new HashMap<>();
        Map<String, List<Click>> countedById = new HashMap<>();
        for (Rec rec : data.all()) {
            switch (rec.topic()) {
                case USERS -> apply(table, rec);
                case CLICKS -> {
                    Click click;
                    try {
                        click = click(rec, rwm);
                    } catch (Contract.Bad bad) {
                        out.add(DLQ, new Out(rec.key(), text(rec.value()), null));
                        continue;
                    }
                    // docs/semantics.md: a copy of an event has its user; one id with two users is two events
                    List<Click> counted = countedById.computeIfAbsent(click.user() + "\u0000" + click.eventId(),
                            id -> new ArrayList<>());
                    // against the latest counted copy (docs/semantics.md section 4)
                    Click latest = counted.isEmpty() ? null : counted.get(counted.size() - 1);
                    boolean duplicate = latest != null && Math.abs(click.time() - latest.time()) < DEDUP_WINDOW
                            && click.rwm() - latest.rwm() < DEDUP_WINDOW;
                    if (!duplicate) {
                        counted.add(click);
                        deduplicated.add(click);
                        segmentOf.put(click, segment(mode == Mode.BACKLOG ? finalTable : table, click.user()));
                    }
                }
                case IMPRESSIONS -> {
                    try {
                        impressions.add(impression(rec, rwm));
                    } catch (Contract.Bad bad) {
                        out.add(DLQ, new Out(rec.key(), text(rec.value()), null));
                    }
                }
                default -> throw new IllegalArgumentException("unknown topic " + rec.topic());
            }
        }
        long watermark = rwm.largest(CLICKS);
        products(deduplicated, out);
        eventTypes(deduplicated, out);
        segments(deduplicated, segmentOf, out);
        activity(deduplicated, out);
        conversion(deduplicated, out);
        anomalies(deduplicated, out);
        sessions(deduplicated, watermark, out);
        matches(deduplicated, impressions, out);
        ObjectNode lateness = Contract.MAPPER.createObjectNode();
        lateness.put("events", deduplicated.size());
        out.add(LATENESS, new Out("all", lateness, null));
        return out;
    }

    private static void apply(Map<String, String> table, Rec rec) {
        if (rec.value() == null) {
            table.remove(rec.key());
        } else {
            table.put(rec.key(), rec.value());
        }
    }

    /** The user's segment in the table: {@code unknown} when absent or when the row has none. */
    private static String segment(Map<String, String> table, String user) {
        String row = table.get(user);
        if (row == null) {
            return "unknown";
        }
        try {
            JsonNode segment = Contract.MAPPER.readTree(row).get("user_segment");
            return segment != null && segment.isString() ? segment.stringValue() : "unknown";
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    static JsonNode text(String value) {
        return value == null ? Contract.MAPPER.getNodeFactory().nullNode() : Contract.MAPPER.getNodeFactory().stringNode(value);
    }

    static void late(Expected out, Rec rec, String output) {
        out.add(LATE, new Out(rec.key(), text(rec.value()), output));
    }

    static ObjectNode window(long start, long end) {
        ObjectNode window = Contract.MAPPER.createObjectNode();
        window.put("start", Contract.iso(start));
        window.put("end", Contract.iso(end));
        return window;
    }

    static long floor(long time, long size) {
        return Math.floorDiv(time, size) * size;
    }

    /** Per key and window start, the non-late clicks of a tumbling window; late ones to .late. */
    private static Map<String, Map<Long, List<Click>>> tumbling(List<Click> clicks, long size, long grace, String output,
                                                                java.util.function.Function<Click, String> key, Expected out) {
        Map<String, Map<Long, List<Click>>> windows = new TreeMap<>();
        for (Click click : clicks) {
            long start = floor(click.time(), size);
            if (start + size + grace <= click.rwm()) {
                late(out, click.rec(), output);
            } else {
                windows.computeIfAbsent(key.apply(click), k -> new TreeMap<>())
                        .computeIfAbsent(start, s -> new ArrayList<>()).add(click);
            }
        }
        return windows;
    }

    private static long distinctUsers(List<Click> clicks) {
        return clicks.stream().map(Click::user).distinct().count();
    }

    private static BigDecimal sum(List<Click> clicks, java.util.function.Function<Click, BigDecimal> amount) {
        return clicks.stream().map(amount).filter(java.util.Objects::nonNull).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static void products(List<Click> clicks, Expected out) {
        tumbling(clicks, PRODUCT_SIZE, PRODUCT_GRACE, PRODUCTS, Click::product, out).forEach((product, windows) ->
                windows.forEach((start, in) -> {
                    ObjectNode value = Contract.MAPPER.createObjectNode();
                    value.set("window", window(start, start + PRODUCT_SIZE));
                    value.put("product_id", product);
                    value.put("clicks", in.size());
                    value.put("unique_users", distinctUsers(in));
                    out.add(PRODUCTS, new Out(product, value, null));
                }));
    }

    private static void eventTypes(List<Click> clicks, Expected out) {
        Map<String, Map<Long, List<Click>>> windows = new TreeMap<>();
        for (Click click : clicks) {
            boolean lateForOne = false;
            for (long start = floor(click.time(), HOP_ADVANCE) - HOP_SIZE + HOP_ADVANCE; start <= click.time(); start += HOP_ADVANCE) {
                if (start + HOP_SIZE + HOP_GRACE <= click.rwm()) {
                    lateForOne = true;
                } else {
                    windows.computeIfAbsent(click.type(), k -> new TreeMap<>())
                            .computeIfAbsent(start, s -> new ArrayList<>()).add(click);
                }
            }
            if (lateForOne) {
                late(out, click.rec(), EVENT_TYPES);
            }
        }
        windows.forEach((type, byStart) -> byStart.forEach((start, in) -> {
            ObjectNode value = Contract.MAPPER.createObjectNode();
            value.set("window", window(start, start + HOP_SIZE));
            value.put("event_type", type);
            value.put("event_count", in.size());
            value.put("total_revenue", sum(in, Click::amount));
            out.add(EVENT_TYPES, new Out(type, value, null));
        }));
    }

    private static void segments(List<Click> clicks, Map<Click, String> segmentOf, Expected out) {
        tumbling(clicks, SEGMENT_SIZE, SEGMENT_GRACE, SEGMENTS, segmentOf::get, out).forEach((segment, windows) ->
                windows.forEach((start, in) -> {
                    long purchases = in.stream().filter(c -> c.type().equals("purchase")).count();
                    BigDecimal revenue = sum(in, Click::revenue);
                    ObjectNode value = Contract.MAPPER.createObjectNode();
                    value.set("window", window(start, start + SEGMENT_SIZE));
                    value.put("user_segment", segment);
                    value.put("total_events", in.size());
                    value.put("unique_users", distinctUsers(in));
                    value.put("total_revenue", revenue);
                    if (purchases == 0) {
                        value.putNull("avg_revenue");
                    } else {
                        value.put("avg_revenue", revenue.doubleValue() / purchases);
                    }
                    out.add(SEGMENTS, new Out(segment, value, null));
                }));
    }

    private static void activity(List<Click> clicks, Expected out) {
        Map<String, List<Click>> byUser = new TreeMap<>();
        clicks.forEach(click -> byUser.computeIfAbsent(click.user(), u -> new ArrayList<>()).add(click));
        byUser.forEach((user, in) -> {
            ObjectNode value = Contract.MAPPER.createObjectNode();
            value.put("user_id", user);
            value.put("total_events", in.size());
            value.put("purchases", in.stream().filter(c -> c.type().equals("purchase")).count());
            value.put("last_activity", Contract.iso(in.stream().mapToLong(Click::time).max().orElseThrow()));
            out.add(ACTIVITY, new Out(user, value, null));
        });
    }

    private static void conversion(List<Click> clicks, Expected out) {
        Map<String, List<Click>> byProduct = new TreeMap<>();
        clicks.forEach(click -> byProduct.computeIfAbsent(click.product(), p -> new ArrayList<>()).add(click));
        byProduct.forEach((product, in) -> {
            long views = in.stream().filter(c -> c.type().equals("view")).count();
            long carts = in.stream().filter(c -> c.type().equals("add_to_cart")).count();
            long purchases = in.stream().filter(c -> c.type().equals("purchase")).count();
            ObjectNode value = Contract.MAPPER.createObjectNode();
            value.put("product_id", product);
            value.put("views", views);
            value.put("add_to_cart", carts);
            value.put("purchases", purchases);
            value.put("conversion_rate", views == 0 ? 0.0 : (double) purchases / views);
            out.add(CONVERSION, new Out(product, value, null));
        });
    }

    private static void anomalies(List<Click> clicks, Expected out) {
        tumbling(clicks, ANOMALY_SIZE, ANOMALY_GRACE, ANOMALIES, Click::user, out).forEach((user, windows) ->
                windows.forEach((start, in) -> {
                    if (in.size() > ANOMALY_THRESHOLD) {
                        ObjectNode value = Contract.MAPPER.createObjectNode();
                        value.set("window", window(start, start + ANOMALY_SIZE));
                        value.put("user_id", user);
                        value.put("events_per_minute", ANOMALY_THRESHOLD + 1);
                        out.add(ANOMALIES, new Out(user, value, null));
                    }
                }));
    }

    /** A session of one user: its clicks, first and last event time. */
    private static final class Session {
        final List<Click> clicks = new ArrayList<>();
        long start;
        long last;

        Session(Click click) {
            clicks.add(click);
            start = click.time();
            last = click.time();
        }

        boolean joins(long time) {
            return start - GAP <= time && time <= last + GAP;
        }

        void absorb(Session other) {
            clicks.addAll(other.clicks);
            start = Math.min(start, other.start);
            last = Math.max(last, other.last);
        }
    }

    private static void sessions(List<Click> clicks, long watermark, Expected out) {
        Map<String, List<Session>> byUser = new LinkedHashMap<>();
        for (Click click : clicks) {
            List<Session> sessions = byUser.computeIfAbsent(click.user(), u -> new ArrayList<>());
            List<Session> joined = sessions.stream().filter(s -> s.joins(click.time())).toList();
            boolean late = click.time() + GAP + SESSION_GRACE <= click.rwm()
                    || joined.stream().anyMatch(s -> s.last + GAP + SESSION_GRACE <= click.rwm());
            if (late) {
                late(out, click.rec(), SESSIONS);
                continue;
            }
            Session merged = new Session(click);
            for (Session session : joined) {
                merged.absorb(session);
                sessions.remove(session);
            }
            sessions.add(merged);
        }
        byUser.forEach((user, sessions) -> sessions.stream()
                .filter(s -> s.last + GAP + SESSION_GRACE <= watermark)
                .sorted(java.util.Comparator.comparingLong(s -> s.start))
                .forEach(s -> {
                    ObjectNode value = Contract.MAPPER.createObjectNode();
                    value.put("user_id", user);
                    ObjectNode session = Contract.MAPPER.createObjectNode();
                    session.put("start", Contract.iso(s.start));
                    session.put("end", Contract.iso(s.last + GAP));
                    value.set("session", session);
                    value.put("events", s.clicks.size());
                    value.put("purchases", s.clicks.stream().filter(c -> c.type().equals("purchase")).count());
                    value.put("revenue", sum(s.clicks, Click::revenue));
                    out.add(SESSIONS, new Out(user, value, null));
                }));
    }

    private static void matches(List<Click> clicks, List<Impression> impressions, Expected out) {
        Map<String, List<Impression>> onTimeImpressions = new HashMap<>();
        for (Impression impression : impressions) {
            if (impression.time() + IMPRESSION_GRACE <= impression.rwm()) {
                late(out, impression.rec(), MATCHES);
            } else {
                onTimeImpressions.computeIfAbsent(impression.user(), u -> new ArrayList<>()).add(impression);
            }
        }
        Set<Click> lateClicks = new HashSet<>();
        for (Click click : clicks) {
            if (click.time() + CLICK_GRACE <= click.rwm()) {
                late(out, click.rec(), MATCHES);
                lateClicks.add(click);
            }
        }
        for (Click click : clicks) {
            if (lateClicks.contains(click)) {
                continue;
            }
            for (Impression impression : onTimeImpressions.getOrDefault(click.user(), List.of())) {
                if (impression.time() <= click.time() && click.time() <= impression.time() + JOIN_INTERVAL) {
                    ObjectNode value = Contract.MAPPER.createObjectNode();
                    value.put("user_id", click.user());
                    value.put("impression_id", impression.id());
                    value.put("click_event_id", click.eventId());
                    value.put("product_id", click.product());
                    value.put("impression_time", Contract.iso(impression.time()));
                    value.put("click_time", Contract.iso(click.time()));
                    value.put("delay_seconds", (click.time() - impression.time()) / 1000.0);
                    out.add(MATCHES, new Out(click.user(), value, null));
                }
            }
        }
    }
}
