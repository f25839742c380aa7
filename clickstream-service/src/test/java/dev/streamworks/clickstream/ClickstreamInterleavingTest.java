package dev.streamworks.clickstream;

import dev.streamworks.clickstream.ClickstreamProperties.Emit;
import dev.streamworks.clickstream.ClickstreamProperties.Output;
import dev.streamworks.clickstream.domain.ActivityAnomaly;
import dev.streamworks.clickstream.domain.ClickImpressionMatch;
import dev.streamworks.clickstream.domain.EventTypeCount;
import dev.streamworks.clickstream.domain.ProductClicks;
import dev.streamworks.clickstream.domain.SegmentDashboard;
import dev.streamworks.clickstream.domain.UserActivity;
import dev.streamworks.clickstream.domain.UserSession;
import dev.streamworks.clickstream.processor.ClickCodec;
import dev.streamworks.clickstream.processor.UserEvent;
import dev.streamworks.clickstream.processor.UserEventSerde;
import dev.streamworks.common.config.StreamworksProperties;
import dev.streamworks.common.event.Click;
import dev.streamworks.common.event.Impression;
import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.serde.EventSerde;
import dev.streamworks.common.serde.JsonSerde;
import dev.streamworks.common.serde.Parsed;
import dev.streamworks.common.serde.RepartitionSerde;
import dev.streamworks.common.streams.LateRecords;
import dev.streamworks.common.streams.Window;
import dev.streamworks.common.testing.ChannelFeed;
import dev.streamworks.common.testing.TestEventTime;
import dev.streamworks.common.testing.TestEvents;
import dev.streamworks.common.testing.TestTimes;
import dev.streamworks.common.testing.TopologyDriver;
import dev.streamworks.common.time.InternalHeaders;
import dev.streamworks.common.time.Clock;
import dev.streamworks.common.time.Stage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production clickstream topology with six partitions (EVENT-TIME.md "How to prove it"). With
 * six partitions the dedup stage that relays clicks on has six channels, and the impressions stage
 * six: the test plays those twelve upstream tasks, writing straight into the hop-2 repartition
 * topics (by product, event type, segment and user; impressions by user), each click through one
 * dedup channel to all four with one stamp, each user's clicks in one channel (its impressions in
 * one impressions channel), in chunks minutes of event time apart, in random interleavings. Every
 * output but the wall-clock {@code event-lateness-1m} must be identical every time, final mode for
 * the windowed counts; the windowed counts, the anomalies, the join, {@code user-activity} and their
 * records in {@code clickstream.late} must equal a batch computation of docs/semantics.md section 4
 * (sessions and the running product conversion are only compared across runs).
 */
class ClickstreamInterleavingTest {

    private static final String APP = ClickstreamDriver.APP;
    private static final String PRODUCTS = topic(ClickstreamTopology.CLICKS_BY_PRODUCT);
    private static final String EVENT_TYPES = topic(ClickstreamTopology.CLICKS_BY_EVENT_TYPE);
    private static final String SEGMENTS = topic(ClickstreamTopology.CLICKS_BY_SEGMENT);
    private static final String USER_CLICKS = topic(ClickstreamTopology.CLICKS_BY_USER);
    private static final String USER_IMPRESSIONS = topic(ClickstreamTopology.IMPRESSIONS_BY_USER);
    private static final int CHANNELS = 6;
    private static final int RUNS = 3;
    private static final long SECOND = 1_000;
    private static final long MINUTE = 60 * SECOND;
    private static final Stage DEDUP = Stage.relay(ClickstreamTopology.USER_STAGE,
            Clock.of(ClickstreamTopology.USER_CLOCK, Stage.input(ClickstreamTopology.CLICKS_STAGE, "user-clicks")));
    private static final Stage IMPRESSIONS = Stage.input(ClickstreamTopology.IMPRESSIONS_STAGE, "user-impressions");
    private static final ClickstreamProperties PROPS = ClickstreamProperties.defaults()
            .withOutputs(Output.CLICKS_PER_PRODUCT, Output.PRODUCT_CONVERSION, Output.EVENT_TYPE_COUNTS,
                    Output.SEGMENT_DASHBOARD, Output.USER_ACTIVITY, Output.ACTIVITY_ANOMALIES, Output.USER_SESSIONS,
                    Output.MATCHES)
            .withEmit(Emit.FINAL, Emit.FINAL, Emit.FINAL, Emit.FINAL);
    private static final ClickstreamProperties.Topics TOPICS = PROPS.topics();
    private static final List<String> SEGMENT_NAMES = List.of("gold", "silver", "bronze", "unknown");

    private static final EventSerde<Click> CLICK_SERDE = ClickstreamDriver.clickSerde();
    private static final EventSerde<Impression> IMPRESSION_SERDE = ClickstreamDriver.impressionSerde();
    private static final RepartitionSerde<Click> CLICKS = RepartitionSerde.of(CLICK_SERDE, new ClickCodec());
    private static final UserEventSerde USER_EVENTS = new UserEventSerde(CLICK_SERDE, IMPRESSION_SERDE);

    @TempDir
    Path stateDir;

    private static String topic(String name) {
        return APP + "-" + name + "-repartition";
    }

    /** A click as its dedup channel relayed it, with its read watermark. */
    private record SentClick(Click click, String json, long rwm) {
        long t() {
            return click.eventTime().toEpochMilli();
        }

        String originKey() {
            return "in-" + click.eventId();
        }
    }

    /** An impression as its channel sent it, with its read watermark. */
    private record SentImpression(Impression impression, String json, long rwm) {
        long t() {
            return impression.eventTime().toEpochMilli();
        }
    }

    /** Every output as a sorted multiset of "key|record" (running tables: the last value per key). */
    private record Outputs(Map<String, List<String>> outputs, List<String> late) {
    }

    @Test
    void sixChannelsPerHopInRandomInterleavingsGiveIdenticalOutputsEqualToTheBatchResult() {
        long seed = Long.getLong("interleaving.seed", new Random().nextLong());
        Random random = new Random(seed);
        ChannelFeed feed = new ChannelFeed();
        Map<String, String> segments = new HashMap<>();
        List<List<SentClick>> clicks = generateClicks(random, feed, segments);
        List<List<SentImpression>> impressions = generateImpressions(random, feed, clicks);
        Outputs expected = batch(clicks, impressions, segments, feed.watermark(PRODUCTS));

        assertThat(expected.outputs().get(TOPICS.clicksPerProduct())).as("product windows close (seed %d)", seed)
                .hasSizeGreaterThan(20);
        assertThat(expected.outputs().get(TOPICS.eventTypeCounts())).as("event-type windows close (seed %d)", seed)
                .hasSizeGreaterThan(20);
        assertThat(expected.outputs().get(TOPICS.segmentDashboard())).as("segment windows close (seed %d)", seed)
                .hasSizeGreaterThan(5);
        assertThat(expected.outputs().get(TOPICS.activityAnomalies())).as("bursts above the threshold (seed %d)", seed)
                .isNotEmpty();
        assertThat(expected.outputs().get(TOPICS.matches())).as("matching pairs (seed %d)", seed).hasSizeGreaterThan(20);
        assertThat(expected.late()).as("late clicks and impressions (seed %d)", seed)
                .anyMatch(late -> late.contains("|" + TOPICS.clicksPerProduct() + "|"))
                .anyMatch(late -> late.contains("|" + TOPICS.eventTypeCounts() + "|"))
                .anyMatch(late -> late.contains("|" + TOPICS.activityAnomalies() + "|"))
                .anyMatch(late -> late.startsWith("in-i") && late.contains("|" + TOPICS.matches() + "|"))
                .anyMatch(late -> late.startsWith("in-e") && late.contains("|" + TOPICS.matches() + "|"));

        Outputs first = null;
        for (int run = 0; run < RUNS; run++) {
            List<ChannelFeed.Sent> interleaving = feed.interleave(random);
            assertThat(ChannelFeed.skewMs(interleaving)).as("channels minutes apart, seed %d run %d", seed, run)
                    .isGreaterThanOrEqualTo(10 * MINUTE);
            Outputs outputs = drive(interleaving, seed, run);
            for (Map.Entry<String, List<String>> output : expected.outputs().entrySet()) {
                assertThat(outputs.outputs().get(output.getKey())).as("%s, seed %d run %d", output.getKey(), seed, run)
                        .containsExactlyElementsOf(output.getValue());
            }
            assertThat(outputs.late()).as("clickstream.late of the batch-computed outputs, seed %d run %d", seed, run)
                    .filteredOn(late -> expected.late().stream().map(ClickstreamInterleavingTest::reason)
                            .anyMatch(reason -> reason.equals(reason(late))))
                    .containsExactlyElementsOf(expected.late());
            assertThat(outputs.outputs().get(TOPICS.userSessions())).as("sessions close, seed %d run %d", seed, run)
                    .isNotEmpty();
            if (first != null) {
                assertThat(outputs).as("identical outputs, seed %d run %d", seed, run).isEqualTo(first);
            }
            first = outputs;
        }
    }

    /**
     * Per dedup channel, users of its own at the channel's own pace (a few of them seldom, so their
     * sessions end): mostly in order, some minutes out of order, some over 20 minutes late, ties at
     * the bounds of every output (the channel's stream time exactly at, or 1 ms before, a window's
     * end + grace, a click's own session end + grace, a click's join grace), bursts of 50 to 56 clicks
     * of one user in one minute (the anomaly threshold is 50); each channel spans 70 to 130 minutes.
     */
    private static List<List<SentClick>> generateClicks(Random random, ChannelFeed feed, Map<String, String> segments) {
        List<List<SentClick>> channels = new ArrayList<>();
        int[] id = {0};
        for (int c = 0; c < CHANNELS; c++) {
            List<SentClick> sent = new ArrayList<>();
            long time = TestTimes.T0.toEpochMilli() + random.nextInt(60_000);
            long pace = 30_000 + random.nextInt(60_000);
            long end = time + 70 * MINUTE + random.nextInt(60 * (int) MINUTE);
            while (time < end) {
                time += random.nextInt((int) pace);
                String user = random.nextInt(20) == 0 ? "r" + c + "-" + random.nextInt(3) : "u" + c + "-" + random.nextInt(5);
                segments.computeIfAbsent(user, u -> SEGMENT_NAMES.get(random.nextInt(SEGMENT_NAMES.size())));
                int kind = random.nextInt(100);
                if (kind < 8) {
                    sent.add(click(feed, c, id, user, time - random.nextInt(4 * (int) MINUTE), random, segments));
                } else if (kind < 11) {
                    sent.add(click(feed, c, id, user, time - 20 * MINUTE - random.nextInt(50 * (int) MINUTE), random,
                            segments));
                } else if (kind < 18) {
                    // a tie: the channel's stream time exactly at (or 1 ms before) the bound of a click
                    long[][] ties = {
                            {5 * MINUTE, 15 * MINUTE, 5 * MINUTE},  // products, segments: end + grace
                            {10 * SECOND, 20 * SECOND, 10 * SECOND}, // event types: the oldest window's end + grace
                            {MINUTE, 6 * MINUTE, MINUTE},           // anomalies
                            {SECOND, 5 * MINUTE, 1},                 // the join: click time + click grace
                            {SECOND, 40 * MINUTE, 1}};               // sessions: time + gap + grace
                    long[] tie = ties[random.nextInt(ties.length)];
                    long bound = Math.floorDiv(time, tie[0]) * tie[0] + tie[0];
                    long channelAt = bound - (kind % 2);
                    time = Math.max(time, channelAt);
                    sent.add(click(feed, c, id, user, channelAt, random, segments));
                    sent.add(click(feed, c, id, user, bound - tie[1] + random.nextInt((int) tie[2]), random, segments));
                } else if (kind < 19) {
                    long start = Math.floorDiv(time, MINUTE) * MINUTE + MINUTE;
                    int n = 50 + random.nextInt(7);
                    List<Long> times = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        times.add(start + random.nextInt((int) MINUTE));
                    }
                    times.sort(null);
                    for (long at : times) {
                        sent.add(click(feed, c, id, user, at, random, segments));
                    }
                    time = start + MINUTE;
                } else {
                    sent.add(click(feed, c, id, user, time, random, segments));
                }
            }
            channels.add(sent);
        }
        return channels;
    }

    /** One click, relayed by dedup channel {@code c} to all four repartition topics with one stamp. */
    private static SentClick click(ChannelFeed feed, int c, int[] id, String user, long t, Random random,
                                   Map<String, String> segments) {
        String eventId = "e" + id[0]++;
        String product = "p" + random.nextInt(8);
        int kind = random.nextInt(10);
        String type = kind < 5 ? "view" : kind < 7 ? "add_to_cart" : kind < 9 ? "purchase" : "remove";
        Instant at = Instant.ofEpochMilli(t);
        // prices in quarters: every sum is exact, whatever the order it is added in
        String json = type.equals("view") && random.nextInt(3) == 0
                ? String.format(Locale.ROOT, "{\"event_id\":\"%s\",\"timestamp\":\"%s\",\"user_id\":\"%s\","
                + "\"event_type\":\"view\",\"product_id\":\"%s\"}", eventId, at, user, product)
                : TestEvents.click(eventId, at, user, type, product, random.nextInt(400) * 0.25, 1 + random.nextInt(3));
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        Parsed<Click> parsed = new Parsed<>(CLICK_SERDE.parse(bytes), bytes);
        byte[] value = CLICKS.write(parsed);
        String origin = "in-" + eventId;
        int channel = DEDUP.channel(c);
        long rwm = feed.channel(PRODUCTS, channel).send(origin, product, value, t);
        feed.channel(EVENT_TYPES, channel).send(origin, type, value, t);
        feed.channel(SEGMENTS, channel).send(origin, segments.get(user), value, t);
        feed.channel(USER_CLICKS, channel).send(origin, user,
                USER_EVENTS.serializer().serialize(USER_CLICKS, UserEvent.click(parsed)), t);
        return new SentClick(parsed.value(), json, rwm);
    }

    /**
     * Impressions of the clicks' users, each user's in one impressions channel (not its click
     * channel's number), shown within the hour before a click, exactly at it, exactly an hour before
     * or just over; each channel in time order but for some minutes out of order and some over 10
     * minutes late, and some tied at the impression grace.
     */
    private static List<List<SentImpression>> generateImpressions(Random random, ChannelFeed feed,
                                                                  List<List<SentClick>> clicks) {
        List<List<long[]>> planned = new ArrayList<>();
        List<List<SentClick>> of = new ArrayList<>();
        for (int c = 0; c < CHANNELS; c++) {
            planned.add(new ArrayList<>());
            of.add(new ArrayList<>());
        }
        for (int c = 0; c < CHANNELS; c++) {
            int channel = (c + 1) % CHANNELS;
            for (SentClick click : clicks.get(c)) {
                if (random.nextInt(10) >= 3) {
                    continue;
                }
                int kind = random.nextInt(10);
                long before = kind == 0 ? 0 : kind == 1 ? 60 * MINUTE : kind == 2 ? 60 * MINUTE + 1
                        : random.nextInt(70 * (int) MINUTE);
                long t = click.t() - before;
                int delay = random.nextInt(100);
                long arrival = t + (delay < 5 ? random.nextInt(8 * (int) MINUTE)
                        : delay < 8 ? 20 * MINUTE + random.nextInt(40 * (int) MINUTE) : 0);
                planned.get(channel).add(new long[] {arrival, t, of.get(channel).size()});
                of.get(channel).add(click);
            }
        }
        List<List<SentImpression>> channels = new ArrayList<>();
        int id = 0;
        for (int c = 0; c < CHANNELS; c++) {
            ChannelFeed.Channel channel = feed.channel(USER_IMPRESSIONS, IMPRESSIONS.channel(c));
            List<long[]> order = planned.get(c);
            order.sort(Comparator.comparingLong(p -> p[0]));
            List<SentImpression> sent = new ArrayList<>();
            for (long[] p : order) {
                SentClick click = of.get(c).get((int) p[2]);
                sent.add(impression(channel, "i" + id++, click.click().userId(), p[1]));
                if (random.nextInt(20) == 0 && channel.rwm() != Long.MIN_VALUE) {
                    long tied = channel.rwm() - PROPS.matches().impressionGrace().toMillis() + random.nextInt(2);
                    sent.add(impression(channel, "i" + id++, click.click().userId(), tied));
                }
            }
            channels.add(sent);
        }
        return channels;
    }

    private static SentImpression impression(ChannelFeed.Channel channel, String id, String user, long t) {
        String json = TestEvents.impression(id, Instant.ofEpochMilli(t), user, "p" + Math.floorMod(id.hashCode(), 8));
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        Parsed<Impression> parsed = new Parsed<>(IMPRESSION_SERDE.parse(bytes), bytes);
        long rwm = channel.send("in-" + id, user, USER_EVENTS.serializer().serialize(USER_IMPRESSIONS,
                UserEvent.impression(parsed)), t);
        return new SentImpression(parsed.value(), json, rwm);
    }

    /** Window figures of the batch computation. */
    private static final class Figures {
        long events;
        final Set<String> users = new HashSet<>();
        long purchases;
        double revenue;
        double amount;
    }

    /** docs/semantics.md section 4, over the records of each channel with their read watermarks. */
    private static Outputs batch(List<List<SentClick>> clicks, List<List<SentImpression>> impressions,
                                 Map<String, String> segments, long watermark) {
        ClickstreamProperties.WindowSpec product = PROPS.clicksPerProduct();
        ClickstreamProperties.WindowSpec eventType = PROPS.eventTypeCounts();
        ClickstreamProperties.WindowSpec segment = PROPS.segmentDashboard();
        ClickstreamProperties.WindowSpec anomaly = PROPS.activityAnomalies();
        Map<String, Figures> products = new TreeMap<>();
        Map<String, Figures> eventTypes = new TreeMap<>();
        Map<String, Figures> segmentWindows = new TreeMap<>();
        Map<String, Figures> minutes = new TreeMap<>();
        Map<String, UserActivity> activity = new TreeMap<>();
        List<String> late = new ArrayList<>();
        List<SentClick> joinable = new ArrayList<>();
        for (List<SentClick> channel : clicks) {
            for (SentClick sent : channel) {
                Click click = sent.click();
                count(sent, click.productId(), product, products, TOPICS.clicksPerProduct(), late);
                count(sent, click.eventType().json(), eventType, eventTypes, TOPICS.eventTypeCounts(), late);
                count(sent, segments.get(click.userId()), segment, segmentWindows, TOPICS.segmentDashboard(), late);
                count(sent, click.userId(), anomaly, minutes, TOPICS.activityAnomalies(), late);
                if (sent.t() + PROPS.matches().clickGrace().toMillis() <= sent.rwm()) {
                    late.add(late(sent.originKey(), sent.json(), TOPICS.matches(), sent.t(), sent.rwm()));
                } else {
                    joinable.add(sent);
                }
                UserActivity before = activity.getOrDefault(click.userId(), UserActivity.first(click.userId()));
                activity.put(click.userId(), before.add(click.eventTime(), click.eventType() == Click.EventType.PURCHASE));
            }
        }
        List<String> matches = new ArrayList<>();
        for (List<SentImpression> channel : impressions) {
            for (SentImpression sent : channel) {
                Impression impression = sent.impression();
                if (sent.t() + PROPS.matches().impressionGrace().toMillis() <= sent.rwm()) {
                    late.add(late("in-" + impression.impressionId(), sent.json(), TOPICS.matches(), sent.t(), sent.rwm()));
                    continue;
                }
                for (SentClick click : joinable) {
                    if (click.click().userId().equals(impression.userId())
                            && ClickImpressionMatch.matches(impression.impressionTime(), click.click().timestamp(),
                            PROPS.matches().interval())) {
                        matches.add(impression.userId() + "|" + ClickImpressionMatch.of(impression.userId(),
                                impression.impressionId(), impression.impressionTime(), click.click().eventId(),
                                click.click().productId(), click.click().timestamp()));
                    }
                }
            }
        }
        Map<String, List<String>> outputs = new TreeMap<>();
        outputs.put(TOPICS.clicksPerProduct(), finals(products, product, watermark,
                (key, window, f) -> new ProductClicks(window, key, f.events, f.users.size())));
        outputs.put(TOPICS.eventTypeCounts(), finals(eventTypes, eventType, watermark,
                (key, window, f) -> new EventTypeCount(window, key, f.events, f.amount)));
        outputs.put(TOPICS.segmentDashboard(), finals(segmentWindows, segment, watermark,
                (key, window, f) -> new SegmentDashboard(window, key, f.events, f.users.size(), f.revenue,
                        f.purchases == 0 ? null : f.revenue / f.purchases)));
        outputs.put(TOPICS.activityAnomalies(), finals(minutes, anomaly, Long.MAX_VALUE,
                (key, window, f) -> f.events > PROPS.anomalyThreshold()
                        ? new ActivityAnomaly(window, key, PROPS.anomalyThreshold() + 1) : null));
        outputs.put(TOPICS.matches(), sorted(matches));
        List<String> activities = new ArrayList<>();
        activity.forEach((user, totals) -> activities.add(user + "|" + totals));
        outputs.put(TOPICS.userActivity(), activities);
        return new Outputs(outputs, sorted(late));
    }

    /** Counts a click in its windows of {@code spec} that it is not late for; late for any, it goes to the late list once. */
    private static void count(SentClick sent, String key, ClickstreamProperties.WindowSpec spec,
                              Map<String, Figures> windows, String output, List<String> late) {
        long size = spec.size().toMillis();
        long advance = spec.advance().toMillis();
        long grace = spec.grace().toMillis();
        long youngestMissed = Long.MIN_VALUE;
        for (long start = Math.floorDiv(sent.t(), advance) * advance; start > sent.t() - size; start -= advance) {
            if (start + size + grace <= sent.rwm()) {
                youngestMissed = Math.max(youngestMissed, start + size);
                continue;
            }
            Figures f = windows.computeIfAbsent(key + "@" + start, w -> new Figures());
            Click click = sent.click();
            f.events++;
            f.users.add(click.userId());
            f.purchases += click.eventType() == Click.EventType.PURCHASE ? 1 : 0;
            f.revenue += click.revenue() == null ? 0 : click.revenue();
            f.amount += click.amount() == null ? 0 : click.amount();
        }
        if (youngestMissed != Long.MIN_VALUE) {
            late.add(late(sent.originKey(), sent.json(), output, youngestMissed, sent.rwm()));
        }
    }

    private interface Emitted {
        Object of(String key, Window window, Figures figures);
    }

    /** The records of the windows closed at {@code watermark} ({@code end + grace <= watermark}). */
    private static List<String> finals(Map<String, Figures> windows, ClickstreamProperties.WindowSpec spec,
                                       long watermark, Emitted emitted) {
        long size = spec.size().toMillis();
        List<String> records = new ArrayList<>();
        windows.forEach((window, figures) -> {
            String key = window.substring(0, window.lastIndexOf('@'));
            long start = Long.parseLong(window.substring(window.lastIndexOf('@') + 1));
            Object record = start + size + spec.grace().toMillis() <= watermark
                    ? emitted.of(key, Window.ofMillis(start, start + size), figures) : null;
            if (record != null) {
                records.add(key + "|" + record);
            }
        });
        return sorted(records);
    }

    private static String late(String key, String value, String reason, long windowEnd, long streamTime) {
        return key + "|" + value + "|" + reason + "|" + Instant.ofEpochMilli(windowEnd) + "|"
                + Instant.ofEpochMilli(streamTime);
    }

    private static String reason(String late) {
        String[] parts = late.split("\\|");
        return parts[parts.length - 3];
    }

    private Outputs drive(List<ChannelFeed.Sent> interleaving, long seed, int run) {
        StreamworksMetrics metrics = new StreamworksMetrics(new SimpleMeterRegistry(), TestTimes.CLOCK);
        try (TopologyTestDriver driver = TopologyDriver.drive(TopologyDriver.settings(APP,
                        StreamworksProperties.defaults(), metrics, stateDir),
                builder -> new ClickstreamTopology(PROPS, CLICK_SERDE, IMPRESSION_SERDE, metrics,
                        TestEventTime.partitions(CHANNELS, TOPICS.clicks(), TOPICS.impressions()), ClickstreamDriver.LATE)
                        .addTo(builder))) {
            ChannelFeed.pipe(driver, interleaving);
            Map<String, List<String>> outputs = new TreeMap<>();
            outputs.put(TOPICS.clicksPerProduct(), records(driver, TOPICS.clicksPerProduct(), ProductClicks.class));
            outputs.put(TOPICS.eventTypeCounts(), records(driver, TOPICS.eventTypeCounts(), EventTypeCount.class));
            outputs.put(TOPICS.segmentDashboard(), records(driver, TOPICS.segmentDashboard(), SegmentDashboard.class));
            outputs.put(TOPICS.activityAnomalies(), records(driver, TOPICS.activityAnomalies(), ActivityAnomaly.class));
            outputs.put(TOPICS.matches(), records(driver, TOPICS.matches(), ClickImpressionMatch.class));
            outputs.put(TOPICS.userSessions(), records(driver, TOPICS.userSessions(), UserSession.class));
            outputs.put(TOPICS.userActivity(), lastPerKey(driver, TOPICS.userActivity(), UserActivity.class));
            outputs.put(TOPICS.productConversion(), lastPerKey(driver, TOPICS.productConversion(),
                    dev.streamworks.clickstream.domain.ProductConversion.class));
            List<String> late = new ArrayList<>();
            for (TestRecord<String, String> record : read(driver, ClickstreamDriver.LATE)) {
                assertThat(record.headers()).as("no internal header leaves the service, seed %d run %d", seed, run)
                        .noneMatch(header -> header.key().startsWith(InternalHeaders.PREFIX));
                late.add(late(record.key(), record.value(), header(record.headers(), LateRecords.REASON_HEADER),
                        Instant.parse(header(record.headers(), LateRecords.WINDOW_END_HEADER)).toEpochMilli(),
                        Instant.parse(header(record.headers(), LateRecords.STREAM_TIME_HEADER)).toEpochMilli()));
            }
            assertThat(read(driver, ClickstreamDriver.DLQ)).as("no dead letters, seed %d run %d", seed, run).isEmpty();
            return new Outputs(outputs, sorted(late));
        }
    }

    private static <T> List<String> records(TopologyTestDriver driver, String topic, Class<T> type) {
        List<String> records = new ArrayList<>();
        for (TestRecord<String, String> record : read(driver, topic)) {
            records.add(record.key() + "|" + ClickstreamDriver.read(record.value(), type));
        }
        return sorted(records);
    }

    private static <T> List<String> lastPerKey(TopologyTestDriver driver, String topic, Class<T> type) {
        Map<String, String> last = new TreeMap<>();
        for (TestRecord<String, String> record : read(driver, topic)) {
            last.put(record.key(), record.key() + "|" + ClickstreamDriver.read(record.value(), type));
        }
        return new ArrayList<>(last.values());
    }

    private static List<TestRecord<String, String>> read(TopologyTestDriver driver, String topic) {
        return driver.createOutputTopic(topic, new StringDeserializer(), new StringDeserializer()).readRecordsToList();
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static List<String> sorted(List<String> records) {
        List<String> copy = new ArrayList<>(records);
        copy.sort(null);
        return copy;
    }
}
