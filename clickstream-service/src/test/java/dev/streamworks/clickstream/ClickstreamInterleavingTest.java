package dev.streamworks.clickstream;

import dev.streamworks.clickstream.ClickstreamProperties.Emit;
import dev.streamworks.clickstream.ClickstreamProperties.Output;
import dev.streamworks.clickstream.domain.ActivityAnomaly;
import dev.streamworks.clickstream.domain.ClickImpressionMatch;
import dev.streamworks.clickstream.domain.EventTypeCount;
import dev.streamworks.clickstream.domain.ProductClicks;
import dev.streamworks.clickstream.domain.ProductConversion;
import dev.streamworks.clickstream.domain.SegmentDashboard;
import dev.streamworks.clickstream.domain.UserActivity;
import dev.streamworks.clickstream.domain.UserRow;
import dev.streamworks.clickstream.domain.UserSession;
import dev.streamworks.clickstream.processor.UserEvent;
import dev.streamworks.clickstream.processor.UserEventSerde;
import dev.streamworks.common.config.StreamworksProperties;
import dev.streamworks.common.event.Click;
import dev.streamworks.common.event.Impression;
import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.serde.EventSerde;
import dev.streamworks.common.serde.Parsed;
import dev.streamworks.common.streams.Window;
import dev.streamworks.common.testing.ChannelFeed;
import dev.streamworks.common.testing.TestEventTime;
import dev.streamworks.common.testing.TestEvents;
import dev.streamworks.common.testing.TestTimes;
import dev.streamworks.common.testing.TopologyDriver;
import dev.streamworks.common.time.Stage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
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

import static dev.streamworks.common.testing.ChannelFeed.late;
import static dev.streamworks.common.testing.ChannelFeed.read;
import static dev.streamworks.common.testing.ChannelFeed.sorted;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production clickstream topology with six partitions per input (EVENT-TIME.md "How to prove
 * it"), fed at its first hop only: the test plays the six tasks of {@code user-clicks} (stage
 * {@code CLICKS}) and the six of {@code user-impressions} (stage {@code IMPRESSIONS}), writing
 * straight into {@code clicks-by-user} and {@code impressions-by-user} with the stamps their senders
 * write, each user's clicks in one clicks channel (a producer keyed by user, copies of an event
 * included) and its impressions in one impressions channel, in chunks minutes of event time apart,
 * in random interleavings. The repartition topics after the per-user task have one partition
 * ({@link TestEventTime#inputPartitions}), so the driver's single task is the one relay channel
 * there is, and the topology's own relays carry the deduplicated clicks to the windows by product,
 * event type and segment ({@code cdc.users} read first, as in a backlog).
 * <p>
 * Every output but the wall-clock {@code event-lateness-1m} must be identical every time, and
 * equal to a batch computation of docs/semantics.md section 4 over each channel's records with
 * their read watermarks: deduplication first (per event id, in the channel's order), then the
 * windowed counts in final mode, the anomalies, the join, the sessions, the running tables and
 * every record of {@code clickstream.late}.
 */
class ClickstreamInterleavingTest {

    private static final String APP = ClickstreamDriver.APP;
    private static final String USER_CLICKS = topic(ClickstreamTopology.CLICKS_BY_USER);
    private static final String USER_IMPRESSIONS = topic(ClickstreamTopology.IMPRESSIONS_BY_USER);
    private static final int CHANNELS = 6;
    private static final int RUNS = 3;
    private static final long SECOND = 1_000;
    private static final long MINUTE = 60 * SECOND;
    private static final Stage CLICKS = Stage.input(ClickstreamTopology.CLICKS_STAGE, "user-clicks");
    private static final Stage IMPRESSIONS = Stage.input(ClickstreamTopology.IMPRESSIONS_STAGE, "user-impressions");
    private static final ClickstreamProperties PROPS = ClickstreamProperties.defaults()
            .withOutputs(Output.CLICKS_PER_PRODUCT, Output.PRODUCT_CONVERSION, Output.EVENT_TYPE_COUNTS,
                    Output.SEGMENT_DASHBOARD, Output.USER_ACTIVITY, Output.ACTIVITY_ANOMALIES, Output.USER_SESSIONS,
                    Output.MATCHES)
            .withEmit(Emit.FINAL, Emit.FINAL, Emit.FINAL, Emit.FINAL);
    private static final ClickstreamProperties.Topics TOPICS = PROPS.topics();
    private static final long DEDUP_WINDOW = PROPS.dedupWindow().toMillis();
    private static final long GAP = PROPS.userSessions().gap().toMillis();
    private static final long SESSION_GRACE = PROPS.userSessions().grace().toMillis();
    private static final List<String> SEGMENT_NAMES = List.of("gold", "silver", "bronze", UserRow.UNKNOWN);

    private static final EventSerde<Click> CLICK_SERDE = ClickstreamDriver.clickSerde();
    private static final EventSerde<Impression> IMPRESSION_SERDE = ClickstreamDriver.impressionSerde();
    private static final UserEventSerde USER_EVENTS = new UserEventSerde(CLICK_SERDE, IMPRESSION_SERDE);

    @TempDir
    Path stateDir;

    private static String topic(String name) {
        return APP + "-" + name + "-repartition";
    }

    /** A click as its input channel sent it, with its read watermark. */
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

    /** One clicks channel being generated: everything it sent, and the clicks with a new event id. */
    private record ClickChannel(ChannelFeed.Channel channel, List<SentClick> sent, List<SentClick> originals) {
    }

    /** Every output as a sorted multiset of "key|record" (running tables: the last value per key). */
    private record Outputs(Map<String, List<String>> outputs, List<String> late) {
    }

    /**
     * How the clicks fared in deduplication: dropped, and the copies on either side of each bound
     * (read exactly {@code dedup-window} after the counted copy, or 1 ms less; an event time exactly
     * {@code dedup-window} away, or 1 ms less).
     */
    private record Dedup(List<List<SentClick>> counted, int dropped, int readAtWindow, int readJustInside,
                         int timeAtWindow, int timeJustInside) {
    }

    @Test
    void sixChannelsPerInputInRandomInterleavingsGiveIdenticalOutputsEqualToTheBatchResult() {
        long seed = Long.getLong("interleaving.seed", new Random().nextLong());
        Random random = new Random(seed);
        ChannelFeed feed = new ChannelFeed();
        Map<String, String> segments = new TreeMap<>();
        List<List<SentClick>> clicks = generateClicks(random, feed, segments);
        List<List<SentImpression>> impressions = generateImpressions(random, feed, clicks);
        Dedup dedup = deduplicate(clicks);
        Outputs expected = batch(dedup.counted(), impressions, segments, feed.watermark(USER_CLICKS));

        assertThat(dedup.dropped()).as("copies dropped as duplicates (seed %d)", seed).isGreaterThan(20);
        assertThat(dedup).as("copies on both sides of the dedup bounds (seed %d)", seed)
                .matches(d -> d.readAtWindow() > 0 && d.readJustInside() > 0 && d.timeAtWindow() > 0
                        && d.timeJustInside() > 0);
        assertThat(expected.outputs().get(TOPICS.clicksPerProduct())).as("product windows close (seed %d)", seed)
                .hasSizeGreaterThan(20);
        assertThat(expected.outputs().get(TOPICS.eventTypeCounts())).as("event-type windows close (seed %d)", seed)
                .hasSizeGreaterThan(20);
        assertThat(expected.outputs().get(TOPICS.segmentDashboard())).as("segment windows close (seed %d)", seed)
                .hasSizeGreaterThan(5).anyMatch(record -> record.startsWith(UserRow.UNKNOWN + "|"));
        assertThat(expected.outputs().get(TOPICS.activityAnomalies())).as("bursts above the threshold (seed %d)", seed)
                .isNotEmpty();
        assertThat(expected.outputs().get(TOPICS.matches())).as("matching pairs (seed %d)", seed).hasSizeGreaterThan(20);
        assertThat(expected.outputs().get(TOPICS.userSessions())).as("sessions close (seed %d)", seed)
                .hasSizeGreaterThan(3);
        assertThat(expected.late()).as("late clicks and impressions (seed %d)", seed)
                .anyMatch(late -> late.contains("|" + TOPICS.clicksPerProduct() + "|"))
                .anyMatch(late -> late.contains("|" + TOPICS.eventTypeCounts() + "|"))
                .anyMatch(late -> late.contains("|" + TOPICS.segmentDashboard() + "|"))
                .anyMatch(late -> late.contains("|" + TOPICS.activityAnomalies() + "|"))
                .anyMatch(late -> late.contains("|" + TOPICS.userSessions() + "|"))
                .anyMatch(late -> late.startsWith("in-i") && late.contains("|" + TOPICS.matches() + "|"))
                .anyMatch(late -> late.startsWith("in-e") && late.contains("|" + TOPICS.matches() + "|"));

        Outputs first = null;
        for (int run = 0; run < RUNS; run++) {
            List<ChannelFeed.Sent> interleaving = feed.interleave(random);
            assertThat(ChannelFeed.skewMs(interleaving)).as("channels minutes apart, seed %d run %d", seed, run)
                    .isGreaterThanOrEqualTo(10 * MINUTE);
            Outputs outputs = drive(interleaving, segments, seed, run);
            for (Map.Entry<String, List<String>> output : expected.outputs().entrySet()) {
                assertThat(outputs.outputs().get(output.getKey())).as("%s, seed %d run %d", output.getKey(), seed, run)
                        .containsExactlyElementsOf(output.getValue());
            }
            assertThat(outputs.late()).as("clickstream.late, seed %d run %d", seed, run)
                    .containsExactlyElementsOf(expected.late());
            if (first != null) {
                assertThat(outputs).as("identical outputs, seed %d run %d", seed, run).isEqualTo(first);
            }
            first = outputs;
        }
    }

    /**
     * Per clicks channel, users of its own at the channel's own pace (a few of them seldom, so their
     * sessions end): mostly in order, some minutes out of order, some over 20 minutes late, ties at
     * the bounds of every output (the channel's stream time exactly at, or 1 ms before, a window's
     * end + grace, a click's own session end + grace, a click's join grace), bursts of 50 to 56 clicks
     * of one user in one minute (the anomaly threshold is 50); each channel spans 70 to 130 minutes.
     * And copies of events, in the channel of their user: the same bytes again shortly after, the same
     * bytes read exactly {@code dedup-window} after the copy they repeat or 1 ms less, and the same
     * {@code event_id} with an event time exactly {@code dedup-window} earlier or 1 ms less (each
     * channel ends with one of each of these four).
     * <p>
     * No copy is ahead of its channel's stream time (its event time is the repeated click's or
     * earlier): a dropped copy never moves the watermark, so every move of the clicks' watermark comes
     * with a click the per-user task relays, and the windows after the relays hear the final
     * watermark without the relay's wall-clock heartbeat (which the driver cannot run: it would
     * report its one task's stream time as every input sender's).
     */
    private static List<List<SentClick>> generateClicks(Random random, ChannelFeed feed, Map<String, String> segments) {
        List<List<SentClick>> channels = new ArrayList<>();
        int[] id = {0};
        for (int c = 0; c < CHANNELS; c++) {
            ClickChannel out = new ClickChannel(feed.channel(USER_CLICKS, CLICKS.channel(c)), new ArrayList<>(),
                    new ArrayList<>());
            long time = TestTimes.T0.toEpochMilli() + random.nextInt(60_000);
            long pace = 30_000 + random.nextInt(60_000);
            long end = time + 70 * MINUTE + random.nextInt(60 * (int) MINUTE);
            while (time < end) {
                time += random.nextInt((int) pace);
                String user = random.nextInt(10) == 0 ? "r" + c + "-" + random.nextInt(6) : "u" + c + "-" + random.nextInt(5);
                segments.computeIfAbsent(user, u -> SEGMENT_NAMES.get(random.nextInt(SEGMENT_NAMES.size())));
                int kind = random.nextInt(100);
                if (kind < 8) {
                    click(out, id, user, time - random.nextInt(4 * (int) MINUTE), random);
                } else if (kind < 11) {
                    click(out, id, user, time - 20 * MINUTE - random.nextInt(50 * (int) MINUTE), random);
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
                    click(out, id, user, channelAt, random);
                    click(out, id, user, bound - tie[1] + random.nextInt((int) tie[2]), random);
                } else if (kind < 19) {
                    long start = Math.floorDiv(time, MINUTE) * MINUTE + MINUTE;
                    int n = 50 + random.nextInt(7);
                    List<Long> times = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        times.add(start + random.nextInt((int) MINUTE));
                    }
                    times.sort(null);
                    for (long at : times) {
                        click(out, id, user, at, random);
                    }
                    time = start + MINUTE;
                } else if (kind < 25 && !out.sent().isEmpty()) {
                    // a copy of one of the channel's last clicks (a producer's retry): the same bytes
                    copy(out, out.sent().get(out.sent().size() - 1 - random.nextInt(Math.min(8, out.sent().size()))));
                } else if (kind < 29) {
                    if (!copyReadAtWindow(out, id, random, kind % 2, 5 * MINUTE)) {
                        click(out, id, user, time, random);
                    }
                    time = Math.max(time, out.channel().rwm());
                } else if (kind < 31 && !out.originals().isEmpty()) {
                    copyAtTime(out, out.originals().get(out.originals().size() - 1
                            - random.nextInt(Math.min(8, out.originals().size()))), random.nextInt(2));
                } else {
                    click(out, id, user, time, random);
                }
            }
            copyReadAtWindow(out, id, random, 0, Long.MAX_VALUE);
            copyReadAtWindow(out, id, random, 1, Long.MAX_VALUE);
            copyAtTime(out, out.originals().get(out.originals().size() - 1), 0);
            copyAtTime(out, out.originals().get(out.originals().size() - 2), 1);
            channels.add(out.sent());
        }
        return channels;
    }

    /** A click with a new event id, sent by the clicks channel of its user. */
    private static void click(ClickChannel out, int[] id, String user, long t, Random random) {
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
        out.originals().add(send(out, json));
    }

    /** The same bytes as {@code of} again. */
    private static void copy(ClickChannel out, SentClick of) {
        send(out, of.json());
    }

    /**
     * A copy of the channel's first click read less than {@code dedup-window} ago, read exactly
     * {@code dedup-window} after it ({@code before} 0: counted again) or 1 ms less ({@code before} 1: a
     * duplicate): a new click at that time first, then the copy. Only when that moves the channel's
     * stream time on by at most {@code maxJump}.
     */
    private static boolean copyReadAtWindow(ClickChannel out, int[] id, Random random, int before, long maxJump) {
        long rwm = out.channel().rwm();
        for (SentClick of : out.originals()) {
            if (of.rwm() + DEDUP_WINDOW - 1 >= rwm) {
                long channelAt = of.rwm() + DEDUP_WINDOW - before;
                if (channelAt - rwm > maxJump) {
                    return false;
                }
                click(out, id, of.click().userId(), channelAt, random);
                copy(out, of);
                return true;
            }
        }
        return false;
    }

    /**
     * The event of {@code of} again, with an event time exactly {@code dedup-window} earlier
     * ({@code inside} 0: counted) or 1 ms less ({@code inside} 1: a duplicate if read within the window).
     */
    private static void copyAtTime(ClickChannel out, SentClick of, int inside) {
        String from = "\"timestamp\":\"" + Instant.ofEpochMilli(of.t()) + "\"";
        String json = of.json().replace(from, "\"timestamp\":\"" + Instant.ofEpochMilli(of.t() - DEDUP_WINDOW + inside)
                + "\"");
        assertThat(json).as("the copy's event time").isNotEqualTo(of.json());
        send(out, json);
    }

    /** A click as the clicks stage sends it to {@code clicks-by-user}: keyed by user, its input key remembered. */
    private static SentClick send(ClickChannel out, String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        Parsed<Click> parsed = new Parsed<>(CLICK_SERDE.parse(bytes), bytes);
        Click click = parsed.value();
        long rwm = out.channel().send("in-" + click.eventId(), click.userId(),
                USER_EVENTS.serializer().serialize(USER_CLICKS, UserEvent.click(parsed)),
                click.eventTime().toEpochMilli());
        SentClick sent = new SentClick(click, json, rwm);
        out.sent().add(sent);
        return sent;
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

    /**
     * docs/semantics.md section 4, deduplication: per channel in its order (every copy of an event is
     * in its user's channel), a click is a duplicate when the latest counted click with its
     * {@code event_id} is less than {@code dedup-window} away in event time and was read less than
     * {@code dedup-window} before it.
     */
    private static Dedup deduplicate(List<List<SentClick>> channels) {
        Map<String, SentClick> kept = new HashMap<>();
        List<List<SentClick>> counted = new ArrayList<>();
        int dropped = 0;
        int[] bounds = new int[4];
        for (List<SentClick> channel : channels) {
            List<SentClick> unique = new ArrayList<>();
            for (SentClick sent : channel) {
                SentClick last = kept.get(sent.click().eventId());
                if (last != null) {
                    long apart = Math.abs(sent.t() - last.t());
                    long read = sent.rwm() - last.rwm();
                    bounds[0] += read == DEDUP_WINDOW && apart < DEDUP_WINDOW ? 1 : 0;
                    bounds[1] += read == DEDUP_WINDOW - 1 && apart < DEDUP_WINDOW ? 1 : 0;
                    bounds[2] += apart == DEDUP_WINDOW && read < DEDUP_WINDOW ? 1 : 0;
                    bounds[3] += apart == DEDUP_WINDOW - 1 && read < DEDUP_WINDOW ? 1 : 0;
                    if (apart < DEDUP_WINDOW && read < DEDUP_WINDOW) {
                        dropped++;
                        continue;
                    }
                }
                kept.put(sent.click().eventId(), sent);
                unique.add(sent);
            }
            counted.add(unique);
        }
        return new Dedup(counted, dropped, bounds[0], bounds[1], bounds[2], bounds[3]);
    }

    /** Window figures of the batch computation. */
    private static final class Figures {
        long events;
        final Set<String> users = new HashSet<>();
        long purchases;
        double revenue;
        double amount;
    }

    /** One session of the batch computation: first and last event time, figures. */
    private record Session(long start, long last, long events, long purchases, double revenue) {
    }

    /**
     * docs/semantics.md section 4 over the deduplicated clicks of each channel, in its order, with
     * their read watermarks; {@code watermark}: the clicks' final one (the smallest last stream time of
     * their channels), which closes the windows and the sessions.
     */
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
        Map<String, ProductConversion> conversion = new TreeMap<>();
        Map<String, List<Session>> sessions = new TreeMap<>();
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
                if (!session(sent, sessions.computeIfAbsent(click.userId(), u -> new ArrayList<>()))) {
                    late.add(late(sent.originKey(), sent.json(), TOPICS.userSessions(), sent.t() + GAP, sent.rwm()));
                }
                UserActivity before = activity.getOrDefault(click.userId(), UserActivity.first(click.userId()));
                activity.put(click.userId(), before.add(click.eventTime(), click.eventType() == Click.EventType.PURCHASE));
                conversion.put(click.productId(), conversion.getOrDefault(click.productId(),
                        ProductConversion.first(click.productId())).add(click.eventType()));
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
        List<String> closed = new ArrayList<>();
        sessions.forEach((user, list) -> list.stream().filter(s -> s.last() + GAP + SESSION_GRACE <= watermark)
                .forEach(s -> closed.add(user + "|" + new UserSession(user, Window.ofMillis(s.start(), s.last() + GAP),
                        s.events(), s.purchases(), s.revenue()))));
        outputs.put(TOPICS.userSessions(), sorted(closed));
        List<String> activities = new ArrayList<>();
        activity.forEach((user, totals) -> activities.add(user + "|" + totals));
        outputs.put(TOPICS.userActivity(), activities);
        List<String> conversions = new ArrayList<>();
        conversion.forEach((productId, funnel) -> conversions.add(productId + "|" + funnel));
        outputs.put(TOPICS.productConversion(), conversions);
        return new Outputs(outputs, sorted(late));
    }

    /**
     * The session rule for one click of a user (its clicks in their channel's order): late when
     * {@code t + gap + grace <= rwm}, or when a session it would join ({@code start - gap <= t <= last +
     * gap}) has {@code last + gap + grace <= rwm}; else it merges every session it joins.
     *
     * @return whether it was counted (not late)
     */
    private static boolean session(SentClick sent, List<Session> sessions) {
        long t = sent.t();
        if (t + GAP + SESSION_GRACE <= sent.rwm()) {
            return false;
        }
        List<Session> joined = sessions.stream().filter(s -> s.start() - GAP <= t && t <= s.last() + GAP).toList();
        if (joined.stream().anyMatch(s -> s.last() + GAP + SESSION_GRACE <= sent.rwm())) {
            return false;
        }
        Click click = sent.click();
        boolean purchase = click.eventType() == Click.EventType.PURCHASE;
        Session merged = new Session(t, t, 1, purchase ? 1 : 0, click.revenue() == null ? 0 : click.revenue());
        for (Session s : joined) {
            merged = new Session(Math.min(merged.start(), s.start()), Math.max(merged.last(), s.last()),
                    merged.events() + s.events(), merged.purchases() + s.purchases(), merged.revenue() + s.revenue());
        }
        sessions.removeAll(joined);
        sessions.add(merged);
        return true;
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


    private Outputs drive(List<ChannelFeed.Sent> interleaving, Map<String, String> segments, long seed, int run) {
        StreamworksMetrics metrics = new StreamworksMetrics(new SimpleMeterRegistry(), TestTimes.CLOCK);
        try (TopologyTestDriver driver = TopologyDriver.drive(TopologyDriver.settings(APP,
                        StreamworksProperties.defaults(), metrics, stateDir),
                builder -> new ClickstreamTopology(PROPS, CLICK_SERDE, IMPRESSION_SERDE, metrics,
                        TestEventTime.inputPartitions(CHANNELS, TOPICS.clicks(), TOPICS.impressions()),
                        ClickstreamDriver.LATE).addTo(builder))) {
            // cdc.users first, as in a backlog: a user without a row is "unknown"
            TestInputTopic<String, String> users = driver.createInputTopic(TOPICS.users(), new StringSerializer(),
                    new StringSerializer());
            segments.forEach((user, segment) -> {
                if (!segment.equals(UserRow.UNKNOWN)) {
                    users.pipeInput(user, "{\"user_id\":\"" + user + "\",\"user_segment\":\"" + segment
                            + "\",\"name\":\"x\"}", TestTimes.T0);
                }
            });
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
                    ProductConversion.class));
            List<String> late = ChannelFeed.lateRecords(driver, ClickstreamDriver.LATE, "seed " + seed + " run " + run);
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



}
