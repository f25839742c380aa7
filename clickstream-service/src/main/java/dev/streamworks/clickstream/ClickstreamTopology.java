package dev.streamworks.clickstream;

import dev.streamworks.clickstream.ClickstreamProperties.Output;
import dev.streamworks.clickstream.domain.ActivityAnomaly;
import dev.streamworks.clickstream.domain.ClickImpressionMatch;
import dev.streamworks.clickstream.domain.EventLateness;
import dev.streamworks.clickstream.domain.EventTypeCount;
import dev.streamworks.clickstream.domain.MinuteActivity;
import dev.streamworks.clickstream.domain.ProductClicks;
import dev.streamworks.clickstream.domain.ProductConversion;
import dev.streamworks.clickstream.domain.SegmentDashboard;
import dev.streamworks.clickstream.domain.UserActivity;
import dev.streamworks.clickstream.domain.UserRow;
import dev.streamworks.clickstream.domain.UserSession;
import dev.streamworks.clickstream.domain.WindowFigures;
import dev.streamworks.clickstream.processor.ArrivalTime;
import dev.streamworks.clickstream.processor.ClickCodec;
import dev.streamworks.clickstream.processor.ClickDedupProcessor;
import dev.streamworks.clickstream.processor.LatenessProcessor;
import dev.streamworks.clickstream.processor.LatenessSample;
import dev.streamworks.clickstream.processor.MatchProcessor;
import dev.streamworks.clickstream.processor.RunningTotals;
import dev.streamworks.clickstream.processor.SessionProcessor;
import dev.streamworks.clickstream.processor.UserEvent;
import dev.streamworks.clickstream.processor.UserEventSerde;
import dev.streamworks.clickstream.processor.UserRowSerde;
import dev.streamworks.clickstream.processor.WindowFiguresSerde;
import dev.streamworks.common.event.Click;
import dev.streamworks.common.event.Impression;
import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.serde.EventSerde;
import dev.streamworks.common.serde.JsonSerde;
import dev.streamworks.common.serde.Parsed;
import dev.streamworks.common.serde.RepartitionSerde;
import dev.streamworks.common.streams.EventTimeExtractor;
import dev.streamworks.common.time.Clock;
import dev.streamworks.common.time.EventTime;
import dev.streamworks.common.time.Stage;
import dev.streamworks.common.time.WindowAggregation;
import dev.streamworks.common.time.Windows;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Every click-stream pipeline of the course (docs/topics.md, docs/semantics.md section 4),
 * in one topology, on event time across repartitions ({@link EventTime}):
 * <pre>
 * user-clicks (key untrusted) -> validate, event time = timestamp, stamp arrival time (lateness only)
 *   -> by user_id --+
 * user-impressions -> by user_id -> per user: drop repeated event_ids (dedup-window)
 *        -> user-activity (running), activity-anomalies (tumbling, once per user-window),
 *           user-sessions, click-impression-matches
 *        -> by product_id  -> clicks-per-product-5m (tumbling), product-conversion (running)
 *        -> by event_type  -> event-type-counts (hopping)
 *        -> join cdc.users (global table) -> by user_segment -> segment-dashboard-5m (tumbling)
 *        -> key "all", one partition -> event-lateness-1m (wall-clock minutes, punctuator)
 * every windowed output: a click it could not count (late) -> clickstream.late, once per output
 * </pre>
 * Only the branches of the outputs in {@code streamworks.clickstream.outputs} are built (all by
 * default); the per-user step with deduplication always is.
 * <ul>
 *   <li>Each repartition is an event-time hop: the records carry the stream time of the input
 *       partition they were read from (their lateness is decided by it, wherever they go) and every
 *       sender tells every partition its watermark, so each output's watermark is the minimum over
 *       the input partitions that feed it: user-clicks' for the click outputs, user-clicks' and
 *       user-impressions' for the join. Windows close by it, so a backlog, a catch-up and live
 *       traffic count the same records.</li>
 *   <li>Clicks go to their user first: a user's clicks keep the order of their input partition (the
 *       session and dedup rules depend on it), every copy of an event (same {@code event_id}, same
 *       user) meets the same dedup store, and the per-user outputs need no second hop. Every
 *       repartition carries the clicks' original bytes ({@link Parsed}), so late records leave
 *       unchanged.</li>
 *   <li>Clicks and impressions of a user reach the same task through two repartition topics of the
 *       same partition count, merged: the join's two sides are co-partitioned by construction. A
 *       click or impression whose user hashes to the partition it was read from skips its topic and
 *       goes to the user task directly, with the same stamp (the local hop of {@link EventTime#send},
 *       where its input is as wide as the repartition topics): the inputs' sources and the per-user
 *       operators then form one sub-topology.</li>
 *   <li>{@code cdc.users} is a global table: it needs no co-partitioning with clicks (cdc-service
 *       owns its partition count) and a null value deletes the user, who is {@code unknown} again.
 *       The lookup is by processing order, not event time.</li>
 *   <li>Lateness (event-lateness-1m) is measured from the arrival time stamped at the source, and
 *       aggregated in one task (a one-partition repartition topic) so each wall-clock minute gives
 *       one record.</li>
 * </ul>
 */
public final class ClickstreamTopology {

    public static final String CLICKS_SOURCE = "clicks-source";
    public static final String IMPRESSIONS_SOURCE = "impressions-source";
    public static final String USERS_SOURCE = "users-source";
    public static final String USERS_STORE = "users-table-store";
    public static final String DEDUP = "dedup-clicks";
    public static final String CLICKS_BY_PRODUCT = "clicks-by-product";
    public static final String PRODUCT_WINDOWS = "product-windows";
    public static final String PRODUCT_CONVERSION = "product-conversion";
    public static final String CLICKS_BY_EVENT_TYPE = "clicks-by-event-type";
    public static final String EVENT_TYPE_WINDOWS = "event-type-windows";
    public static final String CLICKS_BY_SEGMENT = "clicks-by-segment";
    public static final String SEGMENT_WINDOWS = "segment-windows";
    public static final String CLICKS_BY_USER = "clicks-by-user";
    public static final String IMPRESSIONS_BY_USER = "impressions-by-user";
    public static final String USER_ACTIVITY = "user-activity";
    public static final String ACTIVITY_ANOMALIES = "activity-anomalies";
    public static final String USER_SESSIONS = "user-sessions";
    public static final String CLICK_IMPRESSION_JOIN = "click-impression-join";
    public static final String LATENESS_SAMPLES = "lateness-samples";
    public static final String EVENT_LATENESS = "event-lateness";

    /** The receivers of the event-time hops: each output's watermark is one of theirs. */
    public static final String PRODUCT_CLOCK = "product-watermarks";
    public static final String EVENT_TYPE_CLOCK = "event-type-watermarks";
    public static final String SEGMENT_CLOCK = "segment-watermarks";
    public static final String USER_CLOCK = "user-watermarks";

    public static final String WINDOWS_SINK = "clicks-per-product-sink";
    public static final String CONVERSION_SINK = "product-conversion-sink";
    public static final String EVENT_TYPE_SINK = "event-type-counts-sink";
    public static final String SEGMENT_SINK = "segment-dashboard-sink";
    public static final String ACTIVITY_SINK = "user-activity-sink";
    public static final String ANOMALY_SINK = "activity-anomalies-sink";
    public static final String PRODUCT_LATE_SINK = "product-late-sink";
    public static final String EVENT_TYPE_LATE_SINK = "event-type-late-sink";
    public static final String SEGMENT_LATE_SINK = "segment-late-sink";
    public static final String ANOMALY_LATE_SINK = "activity-anomalies-late-sink";

    /** Stage ids of the event-time channels: the two inputs, and the per-user tasks that relay clicks on. */
    public static final int CLICKS_STAGE = 0;
    public static final int IMPRESSIONS_STAGE = 1;
    public static final int USER_STAGE = 2;

    private final ClickstreamProperties props;
    private final EventSerde<Click> clicks;
    private final RepartitionSerde<Click> repartitionedClicks;
    private final EventSerde<Impression> impressions;
    private final StreamworksMetrics metrics;
    private final EventTime eventTime;
    private final String lateTopic;

    public ClickstreamTopology(ClickstreamProperties props, EventSerde<Click> clicks, EventSerde<Impression> impressions,
                               StreamworksMetrics metrics, EventTime eventTime, String lateTopic) {
        this.props = props;
        this.clicks = clicks;
        this.repartitionedClicks = RepartitionSerde.of(clicks, new ClickCodec());
        this.impressions = impressions;
        this.metrics = metrics;
        this.eventTime = eventTime;
        this.lateTopic = lateTopic;
    }

    /** The store of an output's windows, queryable over REST. */
    public static String windowsStore(String operator) {
        return operator + "-store";
    }

    public void addTo(StreamsBuilder builder) {
        ClickstreamProperties.Topics topics = props.topics();
        // producers key clicks and impressions by user in practice (the key is not trusted): one whose user
        // hashes to the partition it was read from skips the repartition topic (EventTime#send)
        Stage clickStage = Stage.input(CLICKS_STAGE, topics.clicks()).withLocalHop();
        Stage impressionStage = Stage.input(IMPRESSIONS_STAGE, topics.impressions()).withLocalHop();
        // the click outputs' watermark: the user tasks' over the clicks' input partitions
        Clock clicksClock = Clock.of(USER_CLOCK, clickStage);
        Stage userStage = Stage.relay(USER_STAGE, clicksClock);
        boolean lateness = props.computes(Output.EVENT_LATENESS);

        KStream<String, Parsed<Click>> clickSource = builder
                .stream(topics.clicks(), Consumed.with(Serdes.String(), clicks)
                        .withTimestampExtractor(new EventTimeExtractor()).withName(CLICKS_SOURCE))
                .peek((key, click) -> metrics.recordIn(topics.clicks(), click.value().eventTime().toEpochMilli()),
                        Named.as("count-clicks"));
        if (lateness) {
            clickSource = clickSource.processValues(ArrivalTime.stamp(), Named.as("stamp-arrival"));
        }
        KStream<String, UserEvent> clicksByUser = eventTime.send(clickSource, clickStage,
                (key, click) -> KeyValue.pair(click.value().userId(), UserEvent.click(click)), userEvents(), CLICKS_BY_USER);
        KStream<String, UserEvent> userEvents;
        if (props.computes(Output.MATCHES)) {
            // impressions are read only for the join; its watermark is over both inputs
            KStream<String, Parsed<Impression>> impressionSource = builder
                    .stream(topics.impressions(), Consumed.with(Serdes.String(), impressions)
                            .withTimestampExtractor(new EventTimeExtractor()).withName(IMPRESSIONS_SOURCE))
                    .peek((key, impression) -> metrics.recordIn(topics.impressions(),
                            impression.value().eventTime().toEpochMilli()), Named.as("count-impressions"));
            KStream<String, UserEvent> impressionsByUser = eventTime.send(impressionSource, impressionStage,
                    (key, impression) -> KeyValue.pair(impression.value().userId(), UserEvent.impression(impression)),
                    userEvents(), IMPRESSIONS_BY_USER);
            userEvents = eventTime.receive(clicksByUser.merge(impressionsByUser, Named.as("merge-user-events")),
                    USER_CLOCK, clickStage, impressionStage);
        } else {
            userEvents = eventTime.receive(clicksByUser, USER_CLOCK, clickStage);
        }
        KStream<String, UserEvent> events = userEvents.process(
                ClickDedupProcessor.supplier(props.dedupWindow(), eventTime, clicksClock, metrics.registry()),
                Named.as(DEDUP));
        KStream<String, Parsed<Click>> deduplicated = events
                .filter((user, event) -> event instanceof UserEvent.ClickEvent, Named.as("user-clicks-only"))
                .mapValues(event -> ((UserEvent.ClickEvent) event).parsed(), Named.as("unwrap-user-clicks"));
        KStream<String, Parsed<Click>> unique = deduplicated;
        if (lateness) {
            latenessOutput(deduplicated);
            // only the lateness branch needs the arrival time: the other repartitions go without it
            unique = deduplicated.processValues(ArrivalTime.strip(), Named.as("strip-arrival"));
        }

        // only the pipelines of the outputs this deployment computes are built
        userOutputs(events, unique, clicksClock, Clock.of(USER_CLOCK));
        if (props.computesAny(Output.CLICKS_PER_PRODUCT, Output.PRODUCT_CONVERSION)) {
            productOutputs(unique, userStage);
        }
        if (props.computes(Output.EVENT_TYPE_COUNTS)) {
            eventTypeOutputs(unique, userStage);
        }
        if (props.computes(Output.SEGMENT_DASHBOARD)) {
            segmentOutputs(builder, unique, userStage);
        }
    }

    private void productOutputs(KStream<String, Parsed<Click>> unique, Stage users) {
        KStream<String, Parsed<Click>> byProduct = eventTime.receive(
                eventTime.sendKeyedBy(unique, users, (user, click) -> click.value().productId(),
                        repartitionedClicks, CLICKS_BY_PRODUCT),
                PRODUCT_CLOCK, users);
        if (props.computes(Output.CLICKS_PER_PRODUCT)) {
            String output = props.topics().clicksPerProduct();
            eventTime.bind(Clock.of(PRODUCT_CLOCK), output);
            ClickstreamProperties.ClicksPerProduct spec = props.clicksPerProduct();
            boolean approximate = props.distinct() == ClickstreamProperties.Distinct.APPROXIMATE;
            WindowAggregation.Builder<Click, WindowFigures> windows = figures(PRODUCT_WINDOWS, spec)
                    .emit(emit(spec.emit()), WINDOWS_SINK, (product, window, figures) ->
                            new ProductClicks(window, product, figures.events(), figures.uniqueUsers()))
                    .late(PRODUCT_LATE_SINK, output);
            if (!approximate) {
                windows.distinct(Click::userId);
            }
            KStream<String, Object> out = byProduct.process(windows.build(eventTime, Clock.of(PRODUCT_CLOCK), metrics),
                    Named.as(PRODUCT_WINDOWS));
            sink(out, output, JsonSerde.of(ProductClicks.class), WINDOWS_SINK);
            late(out, PRODUCT_LATE_SINK);
        }
        if (props.computes(Output.PRODUCT_CONVERSION)) {
            KStream<String, Object> out = byProduct.process(new RunningTotals<>(PRODUCT_CONVERSION + "-store",
                    CONVERSION_SINK, true, JsonSerde.of(ProductConversion.class), ProductConversion::first,
                    (conversion, click) -> conversion.add(click.eventType())), Named.as(PRODUCT_CONVERSION));
            sink(out, props.topics().productConversion(), JsonSerde.of(ProductConversion.class), CONVERSION_SINK);
        }
    }

    private void eventTypeOutputs(KStream<String, Parsed<Click>> unique, Stage users) {
        String output = props.topics().eventTypeCounts();
        eventTime.bind(Clock.of(EVENT_TYPE_CLOCK), output);
        ClickstreamProperties.EventTypeCounts spec = props.eventTypeCounts();
        KStream<String, Object> out = eventTime.receive(
                        eventTime.sendKeyedBy(unique, users, (user, click) -> click.value().eventType().json(),
                                repartitionedClicks, CLICKS_BY_EVENT_TYPE),
                        EVENT_TYPE_CLOCK, users)
                .process(figures(EVENT_TYPE_WINDOWS, spec)
                        .emit(emit(spec.emit()), EVENT_TYPE_SINK, (type, window, figures) ->
                                new EventTypeCount(window, type, figures.events(), figures.amount()))
                        .late(EVENT_TYPE_LATE_SINK, output)
                        .build(eventTime, Clock.of(EVENT_TYPE_CLOCK), metrics), Named.as(EVENT_TYPE_WINDOWS));
        sink(out, output, JsonSerde.of(EventTypeCount.class), EVENT_TYPE_SINK);
        late(out, EVENT_TYPE_LATE_SINK);
    }

    private void segmentOutputs(StreamsBuilder builder, KStream<String, Parsed<Click>> unique, Stage users) {
        UserRowSerde rows = new UserRowSerde();
        GlobalKTable<String, UserRow> table = builder.globalTable(props.topics().users(),
                Consumed.with(Serdes.String(), rows).withName(USERS_SOURCE),
                Materialized.<String, UserRow, KeyValueStore<Bytes, byte[]>>as(USERS_STORE)
                        .withKeySerde(Serdes.String()).withValueSerde(rows));
        String output = props.topics().segmentDashboard();
        eventTime.bind(Clock.of(SEGMENT_CLOCK), output);
        ClickstreamProperties.SegmentDashboard spec = props.segmentDashboard();
        KStream<String, SegmentedClick> segmented = unique.leftJoin(table, (user, click) -> user,
                (click, row) -> new SegmentedClick(UserRow.segmentOf(row), click), Named.as("enrich-with-segment"));
        KStream<String, Object> out = eventTime.receive(
                        eventTime.send(segmented, users, (user, click) -> KeyValue.pair(click.segment(), click.click()),
                                repartitionedClicks, CLICKS_BY_SEGMENT),
                        SEGMENT_CLOCK, users)
                .process(figures(SEGMENT_WINDOWS, spec).distinct(Click::userId)
                        .emit(emit(spec.emit()), SEGMENT_SINK, (segment, window, figures) ->
                                new SegmentDashboard(window, segment, figures.events(), figures.uniqueUsers(),
                                        figures.revenue(), figures.revenuePerPurchase()))
                        .late(SEGMENT_LATE_SINK, output)
                        .build(eventTime, Clock.of(SEGMENT_CLOCK), metrics), Named.as(SEGMENT_WINDOWS));
        sink(out, output, JsonSerde.of(SegmentDashboard.class), SEGMENT_SINK);
        late(out, SEGMENT_LATE_SINK);
    }

    private void userOutputs(KStream<String, UserEvent> events, KStream<String, Parsed<Click>> clicks, Clock clicksClock,
                             Clock joinClock) {
        if (props.computes(Output.USER_ACTIVITY)) {
            // per user: a key rarely changes twice in a commit interval, so no record cache
            KStream<String, Object> activity = clicks.process(new RunningTotals<>(USER_ACTIVITY + "-store",
                    ACTIVITY_SINK, false, JsonSerde.of(UserActivity.class), UserActivity::first,
                    (totals, click) -> totals.add(click.eventTime(), click.eventType() == Click.EventType.PURCHASE)),
                    Named.as(USER_ACTIVITY));
            sink(activity, props.topics().userActivity(), JsonSerde.of(UserActivity.class), ACTIVITY_SINK);
        }
        if (props.computes(Output.ACTIVITY_ANOMALIES)) {
            anomalyOutput(clicks, clicksClock);
        }
        if (props.computes(Output.USER_SESSIONS)) {
            eventTime.bind(clicksClock, props.topics().userSessions());
            KStream<String, Object> sessions = events.process(SessionProcessor.supplier(props, metrics, eventTime,
                    clicksClock), Named.as(USER_SESSIONS));
            sink(sessions, props.topics().userSessions(), JsonSerde.of(UserSession.class), SessionProcessor.SINK);
            late(sessions, SessionProcessor.LATE_SINK);
        }
        if (props.computes(Output.MATCHES)) {
            eventTime.bind(joinClock, props.topics().matches());
            KStream<String, Object> matches = events.process(MatchProcessor.supplier(props, metrics, eventTime,
                    joinClock), Named.as(CLICK_IMPRESSION_JOIN));
            sink(matches, props.topics().matches(), JsonSerde.of(ClickImpressionMatch.class), MatchProcessor.SINK);
            late(matches, MatchProcessor.LATE_SINK);
        }
    }

    private void anomalyOutput(KStream<String, Parsed<Click>> userClicks, Clock clicksClock) {
        String output = props.topics().activityAnomalies();
        eventTime.bind(clicksClock, output);
        ClickstreamProperties.ActivityAnomalies spec = props.activityAnomalies();
        long threshold = props.anomalyThreshold();
        KStream<String, Object> anomalies = userClicks.process(WindowAggregation.<Click, MinuteActivity>named(
                        ACTIVITY_ANOMALIES)
                .windows(Windows.tumbling(spec.size(), spec.grace()), spec.size().plus(spec.grace()))
                .aggregate(MinuteActivity::empty, (user, click, activity, first) -> activity.add(threshold),
                        JsonSerde.of(MinuteActivity.class))
                .emit(WindowAggregation.Emit.NONE, null, null)
                // per user and minute: a window rarely changes twice in a commit interval
                .recordCache(false)
                .onUpdate((user, window, before, after, click, emitter) -> {
                    if (after.firstCrossingAfter(before)) {
                        emitter.emit(ANOMALY_SINK, user, new ActivityAnomaly(window, user, after.events()),
                                window.endMs());
                    }
                })
                .late(ANOMALY_LATE_SINK, output)
                .build(eventTime, clicksClock, metrics), Named.as(ACTIVITY_ANOMALIES));
        sink(anomalies, output, JsonSerde.of(ActivityAnomaly.class), ANOMALY_SINK);
        late(anomalies, ANOMALY_LATE_SINK);
    }

    private UserEventSerde userEvents() {
        return new UserEventSerde(clicks, impressions);
    }

    /** A windowed output over {@link WindowFigures}: events, distinct users, purchases, amounts. */
    private WindowAggregation.Builder<Click, WindowFigures> figures(String name, ClickstreamProperties.WindowSpec spec) {
        boolean approximate = props.distinct() == ClickstreamProperties.Distinct.APPROXIMATE;
        return WindowAggregation.<Click, WindowFigures>named(name)
                .windows(Windows.hopping(spec.size(), spec.advance(), spec.grace()), props.retention())
                .aggregate(WindowFigures::empty, (key, click, figures, firstUser) -> figures.add(firstUser, approximate,
                        click.userId(), click.eventType() == Click.EventType.PURCHASE, click.revenue(), click.amount()),
                        new WindowFiguresSerde());
    }

    private static WindowAggregation.Emit emit(ClickstreamProperties.Emit emit) {
        return emit == ClickstreamProperties.Emit.FINAL ? WindowAggregation.Emit.FINAL : WindowAggregation.Emit.UPDATE;
    }

    private void latenessOutput(KStream<String, Parsed<Click>> unique) {
        KStream<String, Object> out = unique
                .processValues(LatenessProcessor.sampler(), Named.as("sample-lateness"))
                .selectKey((eventId, sample) -> LatenessProcessor.KEY, Named.as("key-lateness-all"))
                // one task sees every click, so each wall-clock minute yields exactly one record
                .repartition(Repartitioned.with(Serdes.String(), LatenessSample.serde()).withName(LATENESS_SAMPLES)
                        .withNumberOfPartitions(1))
                .process(LatenessProcessor.supplier(props), Named.as(EVENT_LATENESS));
        sink(out, props.topics().eventLateness(), JsonSerde.of(EventLateness.class), LatenessProcessor.SINK);
    }

    private void sink(KStream<String, Object> out, String topic, Serde<?> serde, String name) {
        out.to(topic, Produced.with(Serdes.String(), erased(serde)).withName(name));
    }

    private void late(KStream<String, Object> out, String name) {
        out.to(lateTopic, Produced.with(Serdes.String(), erased(Serdes.ByteArray())).withName(name));
    }

    @SuppressWarnings("unchecked")
    private static <T> Serde<Object> erased(Serde<T> serde) {
        return (Serde<Object>) (Serde<?>) serde;
    }

    /** A click with its user's segment, between the enrichment and the re-keying by segment. */
    private record SegmentedClick(String segment, Parsed<Click> click) {
    }
}
