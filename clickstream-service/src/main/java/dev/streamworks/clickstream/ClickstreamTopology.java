package dev.streamworks.clickstream;

import dev.streamworks.clickstream.ClickstreamProperties.Output;
import dev.streamworks.clickstream.domain.ActivityAnomaly;
import dev.streamworks.clickstream.domain.ClickImpressionMatch;
import dev.streamworks.clickstream.domain.EventLateness;
import dev.streamworks.clickstream.domain.EventTypeCount;
import dev.streamworks.clickstream.domain.ProductClicks;
import dev.streamworks.clickstream.domain.ProductConversion;
import dev.streamworks.clickstream.domain.SegmentDashboard;
import dev.streamworks.clickstream.domain.UserActivity;
import dev.streamworks.clickstream.domain.UserRow;
import dev.streamworks.clickstream.domain.UserSession;
import dev.streamworks.clickstream.processor.ArrivalTime;
import dev.streamworks.clickstream.processor.ClickCodec;
import dev.streamworks.clickstream.processor.ClickDedupProcessor;
import dev.streamworks.clickstream.processor.EventTypeWindowProcessor;
import dev.streamworks.clickstream.processor.LatenessProcessor;
import dev.streamworks.clickstream.processor.LatenessSample;
import dev.streamworks.clickstream.processor.MatchProcessor;
import dev.streamworks.clickstream.processor.ProductWindowProcessor;
import dev.streamworks.clickstream.processor.SegmentWindowProcessor;
import dev.streamworks.clickstream.processor.SessionProcessor;
import dev.streamworks.clickstream.processor.UserActivityProcessor;
import dev.streamworks.clickstream.processor.UserEvent;
import dev.streamworks.clickstream.processor.UserEventSerde;
import dev.streamworks.clickstream.processor.UserRowSerde;
import dev.streamworks.common.event.Click;
import dev.streamworks.common.event.Impression;
import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.serde.EventSerde;
import dev.streamworks.common.serde.JsonSerde;
import dev.streamworks.common.serde.Parsed;
import dev.streamworks.common.serde.RepartitionSerde;
import dev.streamworks.common.streams.EventTimeExtractor;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
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
 * Every click-stream pipeline of the course (CONTRACTS.md section 2), in one topology:
 * <pre>
 * user-clicks (key untrusted) -> validate, event time = timestamp, stamp arrival time (lateness only)
 *   -> re-key by event_id -> drop repeated event_ids (dedup-window) ------------------------+
 *   +-> by product_id    -> clicks-per-product-5m (tumbling), product-conversion (running)    |
 *   +-> by event_type    -> event-type-counts (hopping)                                       |
 *   +-> join cdc.users (global table) -> by user_segment -> segment-dashboard-5m (tumbling)   |
 *   +-> key "all", one partition -> event-lateness-1m (wall-clock minutes, punctuator)       |
 *   +-> by user_id, merged with user-impressions by user_id                                  |
 *         -> user-activity (running), activity-anomalies (tumbling, once per user-window),    |
 *            user-sessions (session windows), click-impression-matches (interval join)        |
 * every windowed output: a click it could not count (window closed) -> clickstream.late, once
 * </pre>
 * Only the branches of the outputs in {@code streamworks.clickstream.outputs} are built (all by
 * default); deduplication always is.
 * Semantics that are easy to get wrong:
 * <ul>
 *   <li>Deduplication needs every copy of an {@code event_id} in one task, so clicks are first
 *       repartitioned by {@code event_id}, and only then by each output's key. Every repartition
 *       carries the clicks' original bytes ({@link Parsed}), so late records leave unchanged.</li>
 *   <li>Event time comes from the payload at every source; repartitioned records keep it as
 *       their timestamp. Grace is checked against the stream time of the task that owns the
 *       output's key (per partition, only moving forward).</li>
 *   <li>Clicks and impressions of a user share one repartition topic, so the join's two sides
 *       are co-partitioned by construction and share one stream time; the DSL join cannot have
 *       a grace per side nor route late records, so the join is a processor.</li>
 *   <li>{@code cdc.users} is a global table: it needs no co-partitioning with clicks (cdc-service
 *       owns its partition count) and a null value deletes the user, who is {@code unknown} again.
 *       The lookup is by processing order, not event time.</li>
 *   <li>Lateness is measured from the arrival time stamped at the source, and aggregated in one
 *       task (a one-partition repartition topic) so each wall-clock minute gives one record.</li>
 * </ul>
 */
public final class ClickstreamTopology {

    public static final String CLICKS_SOURCE = "clicks-source";
    public static final String IMPRESSIONS_SOURCE = "impressions-source";
    public static final String USERS_SOURCE = "users-source";
    public static final String USERS_STORE = "users-table-store";
    public static final String CLICKS_BY_EVENT_ID = "clicks-by-event-id";
    public static final String DEDUP = "dedup-clicks";
    public static final String CLICKS_BY_PRODUCT = "clicks-by-product";
    public static final String PRODUCT_WINDOWS = "product-windows";
    public static final String CLICKS_BY_EVENT_TYPE = "clicks-by-event-type";
    public static final String EVENT_TYPE_WINDOWS = "event-type-windows";
    public static final String CLICKS_BY_SEGMENT = "clicks-by-segment";
    public static final String SEGMENT_WINDOWS = "segment-windows";
    public static final String USER_EVENTS_BY_USER = "user-events-by-user";
    public static final String USER_ACTIVITY = "user-activity";
    public static final String USER_SESSIONS = "user-sessions";
    public static final String CLICK_IMPRESSION_JOIN = "click-impression-join";
    public static final String LATENESS_SAMPLES = "lateness-samples";
    public static final String EVENT_LATENESS = "event-lateness";

    private final ClickstreamProperties props;
    private final EventSerde<Click> clicks;
    private final RepartitionSerde<Click> repartitionedClicks;
    private final EventSerde<Impression> impressions;
    private final StreamworksMetrics metrics;
    private final String lateTopic;

    public ClickstreamTopology(ClickstreamProperties props, EventSerde<Click> clicks,
                               EventSerde<Impression> impressions, StreamworksMetrics metrics, String lateTopic) {
        this.props = props;
        this.clicks = clicks;
        this.repartitionedClicks = RepartitionSerde.of(clicks, new ClickCodec());
        this.impressions = impressions;
        this.metrics = metrics;
        this.lateTopic = lateTopic;
    }

    public void addTo(StreamsBuilder builder) {
        ClickstreamProperties.Topics topics = props.topics();
        boolean lateness = props.computes(Output.EVENT_LATENESS);
        KStream<String, Parsed<Click>> source = builder
                .stream(topics.clicks(), Consumed.with(Serdes.String(), clicks)
                        .withTimestampExtractor(new EventTimeExtractor()).withName(CLICKS_SOURCE))
                .peek((key, click) -> metrics.recordIn(topics.clicks(), click.value().eventTime().toEpochMilli()),
                        Named.as("count-clicks"));
        if (lateness) {
            source = source.processValues(ArrivalTime.stamp(), Named.as("stamp-arrival"));
        }
        KStream<String, Parsed<Click>> deduplicated = source
                .selectKey((key, click) -> click.value().eventId(), Named.as("key-clicks-by-event-id"))
                .repartition(Repartitioned.with(Serdes.String(), repartitionedClicks).withName(CLICKS_BY_EVENT_ID))
                .process(ClickDedupProcessor.supplier(props.dedupWindow(), metrics.registry()), Named.as(DEDUP));
        KStream<String, Parsed<Click>> unique = deduplicated;
        if (lateness) {
            latenessOutput(deduplicated);
            // only the lateness branch needs the arrival time: the other repartitions go without it
            unique = deduplicated.processValues(ArrivalTime.strip(), Named.as("strip-arrival"));
        }

        // only the pipelines of the outputs this deployment computes are built
        if (props.computesAny(Output.CLICKS_PER_PRODUCT, Output.PRODUCT_CONVERSION)) {
            productOutputs(unique);
        }
        if (props.computes(Output.EVENT_TYPE_COUNTS)) {
            eventTypeOutputs(unique);
        }
        if (props.computes(Output.SEGMENT_DASHBOARD)) {
            segmentOutputs(builder, unique);
        }
        if (props.computesAny(Output.USER_ACTIVITY, Output.ACTIVITY_ANOMALIES, Output.USER_SESSIONS, Output.MATCHES)) {
            userOutputs(builder, unique);
        }
    }

    private void productOutputs(KStream<String, Parsed<Click>> unique) {
        KStream<String, Object> out = unique
                .selectKey((eventId, click) -> click.value().productId(), Named.as("key-clicks-by-product"))
                .repartition(Repartitioned.with(Serdes.String(), repartitionedClicks).withName(CLICKS_BY_PRODUCT))
                .process(ProductWindowProcessor.supplier(props, metrics), Named.as(PRODUCT_WINDOWS));
        sink(out, props.topics().clicksPerProduct(), JsonSerde.of(ProductClicks.class), ProductWindowProcessor.WINDOWS_SINK);
        sink(out, props.topics().productConversion(), JsonSerde.of(ProductConversion.class),
                ProductWindowProcessor.CONVERSION_SINK);
        late(out, ProductWindowProcessor.LATE_SINK);
    }

    private void eventTypeOutputs(KStream<String, Parsed<Click>> unique) {
        KStream<String, Object> out = unique
                .selectKey((eventId, click) -> click.value().eventType().json(), Named.as("key-clicks-by-event-type"))
                .repartition(Repartitioned.with(Serdes.String(), repartitionedClicks).withName(CLICKS_BY_EVENT_TYPE))
                .process(EventTypeWindowProcessor.supplier(props, metrics), Named.as(EVENT_TYPE_WINDOWS));
        sink(out, props.topics().eventTypeCounts(), JsonSerde.of(EventTypeCount.class), EventTypeWindowProcessor.SINK);
        late(out, EventTypeWindowProcessor.LATE_SINK);
    }

    private void segmentOutputs(StreamsBuilder builder, KStream<String, Parsed<Click>> unique) {
        UserRowSerde rows = new UserRowSerde();
        GlobalKTable<String, UserRow> users = builder.globalTable(props.topics().users(),
                Consumed.with(Serdes.String(), rows).withName(USERS_SOURCE),
                Materialized.<String, UserRow, KeyValueStore<Bytes, byte[]>>as(USERS_STORE)
                        .withKeySerde(Serdes.String()).withValueSerde(rows));
        KStream<String, Object> out = unique
                .leftJoin(users, (eventId, click) -> click.value().userId(),
                        (click, row) -> new SegmentedClick(UserRow.segmentOf(row), click), Named.as("enrich-with-segment"))
                .selectKey((eventId, segmented) -> segmented.segment(), Named.as("key-clicks-by-segment"))
                .mapValues(SegmentedClick::click, Named.as("unwrap-segmented-clicks"))
                .repartition(Repartitioned.with(Serdes.String(), repartitionedClicks).withName(CLICKS_BY_SEGMENT))
                .process(SegmentWindowProcessor.supplier(props, metrics), Named.as(SEGMENT_WINDOWS));
        sink(out, props.topics().segmentDashboard(), JsonSerde.of(SegmentDashboard.class), SegmentWindowProcessor.SINK);
        late(out, SegmentWindowProcessor.LATE_SINK);
    }

    private void userOutputs(StreamsBuilder builder, KStream<String, Parsed<Click>> unique) {
        String input = props.topics().impressions();
        KStream<String, UserEvent> impressionsByUser = builder
                .stream(input, Consumed.with(Serdes.String(), impressions)
                        .withTimestampExtractor(new EventTimeExtractor()).withName(IMPRESSIONS_SOURCE))
                .peek((key, impression) -> metrics.recordIn(input, impression.value().eventTime().toEpochMilli()),
                        Named.as("count-impressions"))
                .selectKey((key, impression) -> impression.value().userId(), Named.as("key-impressions-by-user"))
                .mapValues(UserEvent::impression, Named.as("wrap-impressions"));
        KStream<String, UserEvent> events = unique
                .selectKey((eventId, click) -> click.value().userId(), Named.as("key-clicks-by-user"))
                .mapValues(UserEvent::click, Named.as("wrap-clicks"))
                .merge(impressionsByUser, Named.as("merge-user-events"))
                .repartition(Repartitioned.with(Serdes.String(), new UserEventSerde(clicks, impressions))
                        .withName(USER_EVENTS_BY_USER));

        if (props.computesAny(Output.USER_ACTIVITY, Output.ACTIVITY_ANOMALIES)) {
            KStream<String, Object> activity = events.process(UserActivityProcessor.supplier(props, metrics),
                    Named.as(USER_ACTIVITY));
            sink(activity, props.topics().userActivity(), JsonSerde.of(UserActivity.class),
                    UserActivityProcessor.ACTIVITY_SINK);
            sink(activity, props.topics().activityAnomalies(), JsonSerde.of(ActivityAnomaly.class),
                    UserActivityProcessor.ANOMALY_SINK);
            late(activity, UserActivityProcessor.LATE_SINK);
        }
        if (props.computes(Output.USER_SESSIONS)) {
            KStream<String, Object> sessions = events.process(SessionProcessor.supplier(props, metrics),
                    Named.as(USER_SESSIONS));
            sink(sessions, props.topics().userSessions(), JsonSerde.of(UserSession.class), SessionProcessor.SINK);
            late(sessions, SessionProcessor.LATE_SINK);
        }
        if (props.computes(Output.MATCHES)) {
            KStream<String, Object> matches = events.process(MatchProcessor.supplier(props, metrics),
                    Named.as(CLICK_IMPRESSION_JOIN));
            sink(matches, props.topics().matches(), JsonSerde.of(ClickImpressionMatch.class), MatchProcessor.SINK);
            late(matches, MatchProcessor.LATE_SINK);
        }
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
