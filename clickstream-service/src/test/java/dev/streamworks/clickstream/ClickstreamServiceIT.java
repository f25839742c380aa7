package dev.streamworks.clickstream;

import dev.streamworks.clickstream.domain.ActivityAnomaly;
import dev.streamworks.clickstream.domain.ClickImpressionMatch;
import dev.streamworks.clickstream.domain.EventLateness;
import dev.streamworks.clickstream.domain.EventTypeCount;
import dev.streamworks.clickstream.domain.ProductClicks;
import dev.streamworks.clickstream.domain.ProductConversion;
import dev.streamworks.clickstream.domain.SegmentDashboard;
import dev.streamworks.clickstream.domain.UserActivity;
import dev.streamworks.clickstream.domain.UserSession;
import dev.streamworks.clickstream.processor.ClickDedupProcessor;
import dev.streamworks.common.serde.JsonSerde;
import dev.streamworks.common.testing.KafkaBroker;
import dev.streamworks.common.testing.KafkaClients;
import dev.streamworks.common.testing.RunningService;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.streamworks.common.testing.TestEvents.click;
import static dev.streamworks.common.testing.TestEvents.impression;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real application on a real broker, exactly-once, every output topic read through
 * read_committed consumers. The tests share one running service; each uses its own users,
 * products and event ids, and its own hour of event time, later than the one before: stream time
 * is per partition and only moves forward, so events of an earlier hour would rightly be late.
 * <p>
 * Clicks pass through a topic partitioned by {@code event_id} (deduplication) before the one
 * partitioned by user, so two clicks of a user sent in order may be processed out of order. A
 * click that moves stream time past a window's close is therefore sent only once the clicks it
 * should follow have been counted.
 */
@Tag("integration")
@Timeout(240)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClickstreamServiceIT {

    private static final Instant W0 = Instant.parse("2025-12-09T13:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String GOLD_USER = "gold-" + RUN;

    private static Path stateDir;
    private static KafkaClients kafka;
    private static KafkaClients.Reader reader;
    private static RunningService service;
    private static Instant hour = W0;

    @BeforeAll
    static void start() throws Exception {
        stateDir = Files.createTempDirectory("clickstream-it-state");
        kafka = new KafkaClients(KafkaBroker.shared().bootstrapServers());
        // the users table exists before the service (as cdc-service would have made it), so the
        // row below is read into the global table before the streams start running
        createCompactedTopic("cdc.users");
        kafka.send("cdc.users", GOLD_USER, "{\"user_id\":\"" + GOLD_USER + "\",\"user_segment\":\"gold-" + RUN + "\"}");
        service = RunningService.startOnSharedBroker(ClickstreamServiceApplication.application(), stateDir, Map.of(
                // the wall-clock windows are shortened so the test need not wait a minute
                "streamworks.clickstream.event-lateness.size", "5s",
                "streamworks.clickstream.event-lateness.emit-delay", "1s"));
        reader = kafka.reader("clicks-per-product-5m", "event-type-counts", "user-sessions", "user-activity",
                "product-conversion", "activity-anomalies", "click-impression-matches", "segment-dashboard-5m",
                "event-lateness-1m", "clickstream.late", "clickstream.dlq");
    }

    static void createCompactedTopic(String name) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBroker.shared().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, 2, (short) 1)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    @AfterAll
    static void stop() {
        if (reader != null) {
            reader.close();
        }
        if (service != null) {
            service.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /** Moves the test's event time to a span of its own, four hours apart (tests reach two hours ahead). */
    private static void nextHour(int n) {
        hour = W0.plus(Duration.ofHours(4L * n));
    }

    private static Instant at(long minutes) {
        return hour.plus(Duration.ofMinutes(minutes));
    }

    private static String unique(String prefix) {
        return prefix + "-" + RUN + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    private static void sendClick(String eventId, Instant at, String user, String type, String product) {
        kafka.send("user-clicks", "ignored", click(eventId, at, user, type, product, 10.0, 2));
    }

    private static <T> List<T> values(String topic, String key, Class<T> type) {
        return reader.polled(topic).stream().filter(record -> key.equals(record.key()))
                .map(record -> JsonSerde.of(type).deserializer().deserialize(topic,
                        record.value().getBytes(StandardCharsets.UTF_8)))
                .toList();
    }

    /**
     * Waits until the user's running activity has counted {@code events} clicks: its last record
     * (update mode: one record per user per commit, with the latest totals).
     */
    private static void awaitEvents(String user, long events) {
        await().atMost(WAIT).until(() -> values("user-activity", user, UserActivity.class).stream()
                .reduce((first, second) -> second).filter(activity -> activity.totalEvents() == events).isPresent());
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static JsonNode json(String body) {
        return JsonSerde.of(JsonNode.class).deserializer().deserialize("", body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @Order(1)
    void shouldCountProductsEventTypesAndFunnelsOnceDespiteADuplicate() {
        nextHour(1);
        String product = unique("sku");
        String first = unique("e");
        sendClick(first, at(0), "alice-" + RUN, "view", product);
        sendClick(first, at(0), "alice-" + RUN, "view", product);
        sendClick(unique("e"), at(1), "bob-" + RUN, "purchase", product);

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(values("clicks-per-product-5m", product, ProductClicks.class)).last()
                    .satisfies(clicks -> {
                        assertThat(clicks.clicks()).isEqualTo(2);
                        assertThat(clicks.uniqueUsers()).isEqualTo(2);
                        assertThat(clicks.window().start()).isEqualTo(at(0));
                    });
            assertThat(values("product-conversion", product, ProductConversion.class)).last()
                    .isEqualTo(new ProductConversion(product, 1, 0, 1, 1.0));
        });
        // update mode: one record per window per commit, its latest figures (two changes: one record
        // or two, depending on the commits between them); the duplicate never counted, later neither
        assertThat(values("clicks-per-product-5m", product, ProductClicks.class)).hasSizeBetween(1, 2)
                .allSatisfy(clicks -> assertThat(clicks.clicks()).isLessThanOrEqualTo(2))
                .last().satisfies(clicks -> assertThat(clicks.clicks()).isEqualTo(2));
        // another hop (by event type), maybe another stream thread: it may come after the product's count
        await().atMost(WAIT).untilAsserted(() -> assertThat(reader.polled("event-type-counts").stream()
                .filter(record -> record.value().contains("\"start\":\"" + at(1).minusSeconds(20) + "\""))
                .map(record -> JsonSerde.of(EventTypeCount.class).deserializer().deserialize("",
                        record.value().getBytes(StandardCharsets.UTF_8))))
                .anySatisfy(count -> assertThat(count.eventType()).isEqualTo("purchase")));
    }

    @Test
    @Order(2)
    void shouldEmitASessionOnceItClosesAndKeepRunningActivity() {
        nextHour(2);
        String user = unique("carol");
        sendClick(unique("e"), at(0), user, "view", "p");
        sendClick(unique("e"), at(10), user, "purchase", "p");
        awaitEvents(user, 2);
        sendClick(unique("e"), at(100), user, "view", "p");

        await().atMost(WAIT).untilAsserted(() -> assertThat(values("user-sessions", user, UserSession.class))
                .singleElement().satisfies(session -> {
                    assertThat(session.session().start()).isEqualTo(at(0));
                    assertThat(session.session().end()).isEqualTo(at(40));
                    assertThat(session.events()).isEqualTo(2);
                    assertThat(session.purchases()).isEqualTo(1);
                    assertThat(session.revenue()).isEqualTo(20.0);
                }));
        await().atMost(WAIT).untilAsserted(() -> assertThat(values("user-activity", user, UserActivity.class)).last()
                .isEqualTo(new UserActivity(user, 3, 1, at(100))));
    }

    @Test
    @Order(3)
    void shouldReportABurstingUserOnce() {
        nextHour(3);
        String bot = unique("bot");
        for (int i = 0; i < 55; i++) {
            kafka.send("user-clicks", "k", click(unique("b"), at(0).plusMillis(i * 500L), bot, "view", "p", 1.0, 1));
        }

        await().atMost(WAIT).untilAsserted(() -> assertThat(values("activity-anomalies", bot, ActivityAnomaly.class))
                .singleElement().satisfies(anomaly -> {
                    assertThat(anomaly.eventsPerMinute()).isEqualTo(51);
                    assertThat(anomaly.window().start()).isEqualTo(at(0));
                }));
        awaitEvents(bot, 55);
        assertThat(values("activity-anomalies", bot, ActivityAnomaly.class)).hasSize(1);
    }

    @Test
    @Order(4)
    void shouldMatchAClickToTheImpressionBeforeIt() {
        nextHour(4);
        String user = unique("dave");
        String impressionId = unique("imp");
        String clickId = unique("e");
        kafka.send("user-impressions", "k", impression(impressionId, at(0), user, "p1"));
        sendClick(clickId, at(20), user, "view", "p2");
        await().atMost(WAIT).untilAsserted(() -> assertThat(values("click-impression-matches", user,
                ClickImpressionMatch.class)).singleElement().isEqualTo(new ClickImpressionMatch(user, impressionId,
                clickId, "p2", at(0), at(20), 1200.0)));

        sendClick(unique("e"), at(61), user, "view", "p3");
        awaitEvents(user, 2);
        assertThat(values("click-impression-matches", user, ClickImpressionMatch.class))
                .as("a click more than an hour after the impression").hasSize(1);
    }

    @Test
    @Order(5)
    void shouldEnrichClicksWithTheUsersSegment() {
        nextHour(5);
        sendClick(unique("e"), at(0), GOLD_USER, "purchase", "p");
        sendClick(unique("e"), at(1), unique("nobody"), "view", "p");

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(values("segment-dashboard-5m", "gold-" + RUN, SegmentDashboard.class)).last()
                    .isEqualTo(new SegmentDashboard(new dev.streamworks.common.streams.Window(at(0), at(5)), "gold-" + RUN,
                            1, 1, 20.0, 20.0));
            assertThat(values("segment-dashboard-5m", "unknown", SegmentDashboard.class))
                    .anySatisfy(dashboard -> assertThat(dashboard.window().start()).isEqualTo(at(0)));
        });
    }

    @Test
    @Order(6)
    void shouldRouteLateAndBadRecords() {
        nextHour(6);
        String user = unique("erin");
        String lateId = unique("late");
        String late = click(lateId, at(0), user, "view", "p", 1.0, 1);
        sendClick(unique("e"), at(0), user, "view", "p");
        sendClick(unique("e"), at(120), user, "view", "p");
        awaitEvents(user, 2);
        // late against the stream time of the partition it is read from: the one of the clicks above
        kafka.send("user-clicks", "ignored", late);
        String badId = unique("bad");
        kafka.send("user-clicks", "poison", "{\"event_id\":\"" + badId + "\",\"user_id\":\"x\"}");

        await().atMost(WAIT).untilAsserted(() -> assertThat(reader.polled("clickstream.late").stream()
                .filter(record -> record.value().equals(late)).map(record -> header(record, "x-late-reason")))
                .contains("activity-anomalies", "user-sessions", "click-impression-matches"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(reader.polled("clickstream.dlq").stream()
                .filter(record -> record.value().contains(badId)))
                .singleElement().satisfies(record -> assertThat(header(record, "__streams.errors.message"))
                        .contains("timestamp")));
    }

    @Test
    @Order(7)
    void shouldReportTheLatenessOfEachWallClockWindow() {
        await().atMost(WAIT).untilAsserted(() -> assertThat(values("event-lateness-1m", "all", EventLateness.class))
                .anySatisfy(lateness -> {
                    assertThat(lateness.events()).isPositive();
                    // every event of these tests happened in December 2025
                    assertThat(lateness.maxLatencySeconds()).isGreaterThan(86_400.0);
                    assertThat(lateness.suggestedWatermarkSeconds()).isEqualTo(lateness.p99LatencySeconds() * 2);
                }));
    }

    @Test
    @Order(8)
    void shouldAnswerTheQueryEndpoints() {
        nextHour(8);
        String user = unique("frank");
        String product = unique("sku");
        sendClick(unique("e"), at(0), user, "view", product);
        sendClick(unique("e"), at(6), user, "purchase", product);

        await().atMost(WAIT).untilAsserted(() -> {
            HttpResponse<String> windows = service.get("/api/products/" + product + "/windows");
            assertThat(windows.statusCode()).isEqualTo(200);
            assertThat(json(windows.body())).hasSize(2);
        });
        assertThat(service.get("/api/products/" + product + "/windows?from=" + at(5) + "&to=" + at(5)).body())
                .contains("\"start\":\"" + at(5) + "\"").doesNotContain("\"start\":\"" + at(0) + "\"");
        assertThat(json(service.get("/api/products/" + product + "/conversion").body()).get("conversion_rate")
                .asDouble()).isEqualTo(1.0);
        await().atMost(WAIT).untilAsserted(() -> {
            HttpResponse<String> activity = service.get("/api/users/" + user + "/activity");
            assertThat(activity.statusCode()).isEqualTo(200);
            assertThat(json(activity.body()).get("total_events").asLong()).isEqualTo(2);
        });
        JsonNode sessions = json(service.get("/api/users/" + user + "/sessions").body());
        assertThat(sessions).hasSize(1);
        assertThat(sessions.get(0).get("session").get("end").asString()).isEqualTo(at(36).toString());
        JsonNode top = json(service.get("/api/top-users?limit=3").body());
        assertThat(top).hasSize(3);
        assertThat(top.get(0).get("total_events").asLong()).isGreaterThanOrEqualTo(55);

        assertThat(service.get("/api/products/no-such-product/windows").statusCode()).isEqualTo(404);
        assertThat(service.get("/api/products/no-such-product/conversion").statusCode()).isEqualTo(404);
        assertThat(service.get("/api/users/no-such-user/activity").statusCode()).isEqualTo(404);
        assertThat(service.get("/api/users/no-such-user/sessions").statusCode()).isEqualTo(404);
        assertThat(service.get("/api/top-users?limit=0").statusCode()).isEqualTo(400);
        assertThat(service.get("/api/products/" + product + "/windows?from=yesterday").statusCode()).isEqualTo(400);
    }

    @Test
    @Order(9)
    void shouldAnswerHealthPrometheusAndProgress() {
        assertThat(service.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        HttpResponse<String> prometheus = service.get("/actuator/prometheus");
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).contains("streamworks_records_in_total", "streamworks_late_records_total",
                "streamworks_dlq_records_total", "streamworks_event_lateness_seconds_bucket",
                "streamworks_clickstream_duplicates_total");
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode progress = json(service.get("/actuator/progress").body());
            assertThat(progress.get("id").asString()).isEqualTo("clickstream");
            assertThat(progress.get("name").asString()).isEqualTo("clickstream-service");
            assertThat(progress.get("stateOperators")).extracting(node -> node.get("operatorName").asString())
                    .contains(ClickDedupProcessor.STORE, ClickstreamTopology.windowsStore(ClickstreamTopology.PRODUCT_WINDOWS));
        });
    }
}
