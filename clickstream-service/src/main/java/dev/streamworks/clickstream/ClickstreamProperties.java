package dev.streamworks.clickstream;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Every tunable of the click-stream pipelines (prefix {@code streamworks.clickstream};
 * docs/topics.md, clickstream-service). The defaults are the contract's.
 *
 * @param topics             input and output topics
 * @param outputs            the outputs this service computes (default: all of them). A deployment that
 *                           needs a few pays for those only: the pipelines of the others, their
 *                           repartition topics and stores are not built
 * @param dedupWindow        a repeated {@code event_id} is dropped while its first copy is younger than this
 *                           (event time, against the task's stream time)
 * @param distinct           {@code exact} distinct users (a key per user and window in a store) or
 *                           {@code approximate} (a DataSketches HLL sketch per window)
 * @param anomalyThreshold   a user with more events than this in one window of {@code activityAnomalies}
 *                           is reported
 * @param retention          how long windows and sessions stay queryable over REST
 * @param clicksPerProduct   {@code clicks-per-product-5m}: tumbling window
 * @param eventTypeCounts    {@code event-type-counts}: hopping window
 * @param userSessions       {@code user-sessions}: session window
 * @param activityAnomalies  {@code activity-anomalies}: tumbling window
 * @param matches            {@code click-impression-matches}: the join interval and the graces of each side
 * @param segmentDashboard   {@code segment-dashboard-5m}: tumbling window
 * @param eventLateness      {@code event-lateness-1m}: wall-clock window
 */
@Validated
@ConfigurationProperties("streamworks.clickstream")
public record ClickstreamProperties(@DefaultValue @Valid Topics topics,
                                    @DefaultValue({"clicks-per-product", "event-type-counts", "user-sessions",
                                            "user-activity", "product-conversion", "activity-anomalies", "matches",
                                            "segment-dashboard", "event-lateness"})
                                    @NotEmpty Set<Output> outputs,
                                    @DefaultValue("1h") @NotNull Duration dedupWindow,
                                    @DefaultValue("exact") @NotNull Distinct distinct,
                                    @DefaultValue("50") @Min(0) long anomalyThreshold,
                                    @DefaultValue("2h") @NotNull Duration retention,
                                    @DefaultValue @Valid ClicksPerProduct clicksPerProduct,
                                    @DefaultValue @Valid EventTypeCounts eventTypeCounts,
                                    @DefaultValue @Valid UserSessions userSessions,
                                    @DefaultValue @Valid ActivityAnomalies activityAnomalies,
                                    @DefaultValue @Valid Matches matches,
                                    @DefaultValue @Valid SegmentDashboard segmentDashboard,
                                    @DefaultValue @Valid EventLateness eventLateness) {

    public enum Emit {
        /**
         * The windows changed since the last commit, with their latest results (Spark's update
         * mode; coalesced by the store's record cache, docs/semantics.md section 3).
         */
        UPDATE,
        /** One record per window, once it has closed (Spark's append mode). */
        FINAL
    }

    public enum Distinct {
        EXACT, APPROXIMATE
    }

    /** The outputs, named as their topic properties ({@code topics.<output>}) and configuration sections. */
    public enum Output {
        CLICKS_PER_PRODUCT, EVENT_TYPE_COUNTS, USER_SESSIONS, USER_ACTIVITY, PRODUCT_CONVERSION, ACTIVITY_ANOMALIES,
        MATCHES, SEGMENT_DASHBOARD, EVENT_LATENESS;

        /** As written in configuration: {@code clicks-per-product}. */
        public String property() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public boolean computes(Output output) {
        return outputs.contains(output);
    }

    public boolean computesAny(Output... any) {
        for (Output output : any) {
            if (computes(output)) {
                return true;
            }
        }
        return false;
    }

    public record Topics(@DefaultValue("user-clicks") @NotBlank String clicks,
                         @DefaultValue("user-impressions") @NotBlank String impressions,
                         @DefaultValue("cdc.users") @NotBlank String users,
                         @DefaultValue("clicks-per-product-5m") @NotBlank String clicksPerProduct,
                         @DefaultValue("event-type-counts") @NotBlank String eventTypeCounts,
                         @DefaultValue("user-sessions") @NotBlank String userSessions,
                         @DefaultValue("user-activity") @NotBlank String userActivity,
                         @DefaultValue("product-conversion") @NotBlank String productConversion,
                         @DefaultValue("activity-anomalies") @NotBlank String activityAnomalies,
                         @DefaultValue("click-impression-matches") @NotBlank String matches,
                         @DefaultValue("segment-dashboard-5m") @NotBlank String segmentDashboard,
                         @DefaultValue("event-lateness-1m") @NotBlank String eventLateness) {
    }

    /** A tumbling ({@code advance} = {@code size}) or hopping window of event time. */
    public interface WindowSpec {
        Duration size();

        Duration advance();

        Duration grace();

        Emit emit();
    }

    public record ClicksPerProduct(@DefaultValue("5m") @NotNull Duration size,
                                   @DefaultValue("10m") @NotNull Duration grace,
                                   @DefaultValue("update") @NotNull Emit emit) implements WindowSpec {
        @Override
        public Duration advance() {
            return size;
        }
    }

    public record EventTypeCounts(@DefaultValue("30s") @NotNull Duration size,
                                  @DefaultValue("10s") @NotNull Duration advance,
                                  @DefaultValue("10s") @NotNull Duration grace,
                                  @DefaultValue("update") @NotNull Emit emit) implements WindowSpec {

        @AssertTrue(message = "advance must be positive, at most size, and divide it")
        public boolean isValidShape() {
            return size == null || advance == null || (advance.toMillis() > 0 && advance.compareTo(size) <= 0
                    && size.toMillis() % advance.toMillis() == 0);
        }
    }

    /** An anomaly is reported once per user-window, when it first exceeds; there is no emit mode. */
    public record ActivityAnomalies(@DefaultValue("1m") @NotNull Duration size,
                                    @DefaultValue("5m") @NotNull Duration grace) implements WindowSpec {
        @Override
        public Duration advance() {
            return size;
        }

        @Override
        public Emit emit() {
            return Emit.UPDATE;
        }
    }

    public record SegmentDashboard(@DefaultValue("5m") @NotNull Duration size,
                                   @DefaultValue("10m") @NotNull Duration grace,
                                   @DefaultValue("update") @NotNull Emit emit) implements WindowSpec {
        @Override
        public Duration advance() {
            return size;
        }
    }

    /** @param gap inactivity gap that ends a session */
    public record UserSessions(@DefaultValue("30m") @NotNull Duration gap,
                               @DefaultValue("10m") @NotNull Duration grace,
                               @DefaultValue("final") @NotNull Emit emit) {
    }

    /**
     * @param interval         a click matches the impressions of the same user at most this long before it
     * @param clickGrace       a click whose time + this is at or before the stream time is late
     * @param impressionGrace  an impression whose time + this is at or before the stream time is late
     */
    public record Matches(@DefaultValue("1h") @NotNull Duration interval,
                          @DefaultValue("5m") @NotNull Duration clickGrace,
                          @DefaultValue("10m") @NotNull Duration impressionGrace) {
    }

    /**
     * @param size              wall-clock window
     * @param emitDelay         a window is emitted this long after its end, for records still on their way
     *                          from the source to the single lateness task
     * @param punctuateInterval how often the wall clock is checked for windows to emit
     */
    public record EventLateness(@DefaultValue("1m") @NotNull Duration size,
                                @DefaultValue("5s") @NotNull Duration emitDelay,
                                @DefaultValue("1s") @NotNull Duration punctuateInterval) {
    }

    /** The contract's defaults. */
    public static ClickstreamProperties defaults() {
        return new ClickstreamProperties(
                new Topics("user-clicks", "user-impressions", "cdc.users", "clicks-per-product-5m",
                        "event-type-counts", "user-sessions", "user-activity", "product-conversion",
                        "activity-anomalies", "click-impression-matches", "segment-dashboard-5m", "event-lateness-1m"),
                EnumSet.allOf(Output.class), Duration.ofHours(1), Distinct.EXACT, 50, Duration.ofHours(2),
                new ClicksPerProduct(Duration.ofMinutes(5), Duration.ofMinutes(10), Emit.UPDATE),
                new EventTypeCounts(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(10), Emit.UPDATE),
                new UserSessions(Duration.ofMinutes(30), Duration.ofMinutes(10), Emit.FINAL),
                new ActivityAnomalies(Duration.ofMinutes(1), Duration.ofMinutes(5)),
                new Matches(Duration.ofHours(1), Duration.ofMinutes(5), Duration.ofMinutes(10)),
                new SegmentDashboard(Duration.ofMinutes(5), Duration.ofMinutes(10), Emit.UPDATE),
                new EventLateness(Duration.ofMinutes(1), Duration.ofSeconds(5), Duration.ofSeconds(1)));
    }

    public ClickstreamProperties withDistinct(Distinct mode) {
        return new ClickstreamProperties(topics, outputs, dedupWindow, mode, anomalyThreshold, retention, clicksPerProduct,
                eventTypeCounts, userSessions, activityAnomalies, matches, segmentDashboard, eventLateness);
    }

    public ClickstreamProperties withEmit(Emit products, Emit eventTypes, Emit sessions, Emit segments) {
        return new ClickstreamProperties(topics, outputs, dedupWindow, distinct, anomalyThreshold, retention,
                new ClicksPerProduct(clicksPerProduct.size(), clicksPerProduct.grace(), products),
                new EventTypeCounts(eventTypeCounts.size(), eventTypeCounts.advance(), eventTypeCounts.grace(), eventTypes),
                new UserSessions(userSessions.gap(), userSessions.grace(), sessions), activityAnomalies, matches,
                new SegmentDashboard(segmentDashboard.size(), segmentDashboard.grace(), segments), eventLateness);
    }

    /** These properties computing {@code only} these outputs. */
    public ClickstreamProperties withOutputs(Output... only) {
        return new ClickstreamProperties(topics, EnumSet.copyOf(List.of(only)), dedupWindow, distinct,
                anomalyThreshold, retention, clicksPerProduct, eventTypeCounts, userSessions, activityAnomalies, matches,
                segmentDashboard, eventLateness);
    }

    @AssertTrue(message = "retention must cover every window (and session gap) plus its grace period")
    public boolean isRetentionCoveringGrace() {
        if (retention == null || clicksPerProduct == null || eventTypeCounts == null || userSessions == null
                || segmentDashboard == null) {
            return true;
        }
        return covers(clicksPerProduct.size().plus(clicksPerProduct.grace()))
                && covers(eventTypeCounts.size().plus(eventTypeCounts.grace()))
                && covers(userSessions.gap().plus(userSessions.grace()))
                && covers(segmentDashboard.size().plus(segmentDashboard.grace()));
    }

    private boolean covers(Duration needed) {
        return retention.compareTo(needed) >= 0;
    }
}
