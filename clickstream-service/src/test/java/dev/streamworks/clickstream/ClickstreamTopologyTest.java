package dev.streamworks.clickstream;

import dev.streamworks.clickstream.ClickstreamProperties.Distinct;
import dev.streamworks.clickstream.ClickstreamProperties.Emit;
import dev.streamworks.clickstream.ClickstreamProperties.Output;
import dev.streamworks.clickstream.domain.ActivityAnomaly;
import dev.streamworks.clickstream.domain.ClickImpressionMatch;
import dev.streamworks.clickstream.domain.EventLateness;
import dev.streamworks.clickstream.domain.EventTypeCount;
import dev.streamworks.clickstream.domain.ProductClicks;
import dev.streamworks.clickstream.domain.ProductConversion;
import dev.streamworks.clickstream.domain.SegmentDashboard;
import dev.streamworks.clickstream.domain.UserActivity;
import dev.streamworks.clickstream.domain.UserSession;
import dev.streamworks.clickstream.processor.ArrivalTime;
import dev.streamworks.clickstream.processor.ClickDedupProcessor;
import dev.streamworks.clickstream.processor.LatenessProcessor;
import dev.streamworks.clickstream.processor.MatchProcessor;
import dev.streamworks.clickstream.processor.SessionProcessor;
import dev.streamworks.common.config.StreamworksProperties;
import dev.streamworks.common.streams.LateRecords;
import dev.streamworks.common.streams.Window;
import dev.streamworks.common.testing.TopologyDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.streamworks.clickstream.ClickstreamDriver.header;
import static dev.streamworks.common.testing.TestTimes.T0;
import static dev.streamworks.common.testing.TestTimes.minutes;
import static dev.streamworks.common.testing.TestTimes.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.groups.Tuple.tuple;

/** The production topology, driven record by record with fixed event times. */
class ClickstreamTopologyTest {

    private static final Window FIRST_5M = new Window(T0, minutes(5));

    @TempDir
    Path stateDir;

    private ClickstreamDriver cs;

    private ClickstreamDriver start(ClickstreamProperties props) {
        cs = new ClickstreamDriver(props, stateDir);
        return cs;
    }

    private ClickstreamDriver start() {
        return start(ClickstreamProperties.defaults());
    }

    @AfterEach
    void close() {
        if (cs != null) {
            cs.close();
        }
    }

    private static Instant millis(Instant at, long millis) {
        return at.plusMillis(millis);
    }

    private List<String> lateReasons(List<TestRecord<String, String>> late) {
        return late.stream().map(record -> header(record.headers(), LateRecords.REASON_HEADER)).toList();
    }

    @Nested
    @DisplayName("clicks-per-product-5m")
    class ClicksPerProduct {

        @Test
        void shouldCountClicksAndExactDistinctUsersPerProductAndWindow() {
            start();

            cs.click("e1", minutes(0), "u1", "view", "p1", 10.0, 1);
            cs.click("e2", minutes(1), "u2", "view", "p1", 10.0, 1);
            cs.click("e3", minutes(2), "u1", "add_to_cart", "p1", 10.0, 1);
            cs.click("e4", minutes(3), "u3", "view", "p2", 10.0, 1);

            List<TestRecord<String, String>> records = cs.output("clicks-per-product-5m").readRecordsToList();
            assertThat(records).extracting(TestRecord::key).containsExactly("p1", "p1", "p1", "p2");
            assertThat(records.get(0).getRecordTime()).as("output time is the window end").isEqualTo(minutes(5));
            assertThat(records).extracting(record -> ClickstreamDriver.read(record.value(), ProductClicks.class))
                    .containsExactly(
                            new ProductClicks(FIRST_5M, "p1", 1, 1),
                            new ProductClicks(FIRST_5M, "p1", 2, 2),
                            new ProductClicks(FIRST_5M, "p1", 3, 2),
                            new ProductClicks(FIRST_5M, "p2", 1, 1));
        }

        @Test
        void shouldWriteTheContractsFieldNames() {
            start();

            cs.click("e1", minutes(1), "u1", "view", "p1", 10.0, 1);

            assertThat(cs.output("clicks-per-product-5m").readValue()).isEqualTo("{\"window\":{\"start\":"
                    + "\"2025-12-09T13:00:00Z\",\"end\":\"2025-12-09T13:05:00Z\"},\"product_id\":\"p1\",\"clicks\":1,"
                    + "\"unique_users\":1}");
        }

        @Test
        void shouldPutAClickAtTheWindowEndIntoTheNextWindow() {
            start();

            cs.click("e1", millis(minutes(5), -1), "u1", "view", "p1", 1.0, 1);
            cs.click("e2", minutes(5), "u1", "view", "p1", 1.0, 1);

            assertThat(cs.values("clicks-per-product-5m", ProductClicks.class)).extracting(ProductClicks::window)
                    .containsExactly(FIRST_5M, new Window(minutes(5), minutes(10)));
        }

        @Test
        void shouldCountAClickOneMillisecondBeforeItsWindowClosesAndRouteOneAtTheClose() {
            start();

            cs.click("e1", millis(minutes(15), -1), "u1", "view", "p2", 1.0, 1);
            cs.click("e2", minutes(4), "u2", "view", "p1", 1.0, 1);
            assertThat(cs.values("clicks-per-product-5m", ProductClicks.class)).extracting(ProductClicks::productId)
                    .containsExactly("p2", "p1");

            cs.click("e3", minutes(15), "u1", "view", "p2", 1.0, 1);
            String tooLate = ClickstreamDriver.clickJson("e4", minutes(4), "u3", "view", "p1", 1.0, 1);
            cs.rawClick("k", tooLate);

            assertThat(cs.values("clicks-per-product-5m", ProductClicks.class)).extracting(ProductClicks::productId)
                    .containsExactly("p2");
            List<TestRecord<String, String>> late = cs.late().stream()
                    .filter(record -> "clicks-per-product-5m".equals(header(record.headers(), LateRecords.REASON_HEADER)))
                    .toList();
            assertThat(late).singleElement().satisfies(record -> {
                assertThat(record.value()).as("sent unchanged").isEqualTo(tooLate);
                assertThat(header(record.headers(), LateRecords.WINDOW_END_HEADER)).isEqualTo("2025-12-09T13:05:00Z");
                assertThat(header(record.headers(), LateRecords.STREAM_TIME_HEADER)).isEqualTo("2025-12-09T13:15:00Z");
                assertThat(header(record.headers(), ArrivalTime.HEADER)).as("internal header removed").isNull();
            });
            assertThat(cs.registry.get("streamworks.late.records").tag("output", "clicks-per-product-5m").counter()
                    .count()).isEqualTo(1.0);
        }

        @Test
        void shouldKeepTheDistinctCountExactUnderDuplicatesAndLateClicks() {
            start();

            cs.click("e1", minutes(0), "u1", "view", "p1", 1.0, 1);
            cs.click("e1", minutes(0), "u1", "view", "p1", 1.0, 1);
            cs.click("e2", minutes(1), "u1", "view", "p1", 1.0, 1);
            cs.click("e3", minutes(2), "u2", "view", "p1", 1.0, 1);
            cs.click("e4", minutes(20), "u9", "view", "p9", 1.0, 1);
            cs.click("e5", minutes(3), "u3", "view", "p1", 1.0, 1);

            assertThat(cs.values("clicks-per-product-5m", ProductClicks.class))
                    .filteredOn(clicks -> clicks.productId().equals("p1"))
                    .extracting(ProductClicks::clicks, ProductClicks::uniqueUsers)
                    .containsExactly(tuple(1L, 1L), tuple(2L, 1L), tuple(3L, 2L));
        }

        @Test
        void shouldEmitOneRecordPerWindowInFinalMode() {
            start(ClickstreamProperties.defaults().withEmit(Emit.FINAL, Emit.UPDATE, Emit.FINAL, Emit.UPDATE));

            cs.click("e1", minutes(0), "u1", "view", "p1", 1.0, 1);
            cs.click("e2", minutes(1), "u2", "view", "p1", 1.0, 1);
            cs.click("e3", minutes(14), "u1", "view", "p2", 1.0, 1);
            assertThat(cs.output("clicks-per-product-5m").isEmpty()).as("open until 13:15").isTrue();

            cs.click("e4", minutes(15), "u1", "view", "p2", 1.0, 1);
            cs.click("e5", minutes(16), "u1", "view", "p2", 1.0, 1);

            List<TestRecord<String, String>> records = cs.output("clicks-per-product-5m").readRecordsToList();
            assertThat(records).singleElement().satisfies(record -> {
                assertThat(record.getRecordTime()).isEqualTo(minutes(5));
                assertThat(ClickstreamDriver.read(record.value(), ProductClicks.class))
                        .isEqualTo(new ProductClicks(FIRST_5M, "p1", 2, 2));
            });
        }

        @Test
        void shouldEstimateDistinctUsersWithASketchInApproximateMode() {
            start(ClickstreamProperties.defaults().withDistinct(Distinct.APPROXIMATE));

            for (int i = 0; i < 400; i++) {
                cs.click("e" + i, seconds(i / 2), "user-" + (i % 200), "view", "p1", 1.0, 1);
            }

            List<ProductClicks> out = cs.values("clicks-per-product-5m", ProductClicks.class);
            ProductClicks last = out.get(out.size() - 1);
            assertThat(last.clicks()).isEqualTo(400);
            assertThat((double) last.uniqueUsers()).isCloseTo(200.0, within(200 * 0.05));
            assertThat(out.get(199).uniqueUsers()).as("the second round of the same users adds none")
                    .isEqualTo(last.uniqueUsers());
        }
    }

    @Nested
    @DisplayName("deduplication by event_id")
    class Dedup {

        @Test
        void shouldDropARepeatedEventIdInsideTheDedupWindowForEveryOutput() {
            start();

            cs.click("e1", minutes(1), "u1", "purchase", "p1", 10.0, 2);
            cs.click("e1", minutes(1), "u1", "purchase", "p1", 10.0, 2);
            cs.click("e1", minutes(50), "u1", "purchase", "p1", 10.0, 2);

            // update mode: a consumer keeps the last value per key, which counted the click once
            assertThat(cs.lastPerKey("product-conversion", ProductConversion.class))
                    .containsExactly(entry("p1", new ProductConversion("p1", 0, 0, 1, 0.0)));
            assertThat(cs.lastPerKey("user-activity", UserActivity.class))
                    .containsExactly(entry("u1", new UserActivity("u1", 1, 1, minutes(1))));
            assertThat(cs.values("event-type-counts", EventTypeCount.class)).hasSize(3);
            assertThat(cs.values("segment-dashboard-5m", SegmentDashboard.class)).hasSize(1);
            assertThat(cs.registry.get(ClickDedupProcessor.DUPLICATES).counter().count()).isEqualTo(2.0);
        }

        @Test
        void shouldCountOneEventIdOfTwoUsersAsTwoEventsInTheSameTask() {
            start();

            // the driver has one partition: both users' clicks meet the same dedup store
            cs.click("e1", minutes(1), "u1", "view", "p1", 1.0, 1);
            cs.click("e1", minutes(1), "u2", "view", "p1", 1.0, 1);
            cs.click("e1", minutes(2), "u2", "view", "p1", 1.0, 1);

            assertThat(cs.lastPerKey("user-activity", UserActivity.class))
                    .extractingFromEntries(e -> e.getKey(), e -> e.getValue().totalEvents())
                    .containsExactlyInAnyOrder(tuple("u1", 1L), tuple("u2", 1L));
            assertThat(cs.lastPerKey("product-conversion", ProductConversion.class))
                    .extractingFromEntries(e -> e.getKey(), e -> e.getValue().views())
                    .containsExactly(tuple("p1", 2L));
            assertThat(cs.registry.get(ClickDedupProcessor.DUPLICATES).counter().count()).isEqualTo(1.0);
        }

        @Test
        void shouldDropACopyWithAnotherTimestampWhoseFirstCopyIsInThePreviousHour() {
            start();

            cs.click("e1", minutes(50), "u1", "view", "p1", 1.0, 1);
            cs.click("e2", minutes(105), "u2", "view", "p2", 1.0, 1);
            cs.click("e1", minutes(70), "u1", "view", "p1", 1.0, 1);
            cs.click("e2", minutes(104), "u2", "view", "p2", 1.0, 1);

            assertThat(cs.lastPerKey("product-conversion", ProductConversion.class))
                    .extractingFromEntries(e -> e.getKey(), e -> e.getValue().views())
                    .containsExactly(tuple("p1", 1L), tuple("p2", 1L));
            assertThat(cs.registry.get(ClickDedupProcessor.DUPLICATES).counter().count()).isEqualTo(2.0);
        }

        @Test
        void shouldCountTheSameEventIdAgainOnceItsFirstCopyIsOlderThanTheDedupWindow() {
            start();

            cs.click("e1", minutes(0), "u1", "view", "p1", 1.0, 1);
            cs.click("e2", minutes(59), "u2", "view", "p2", 1.0, 1);
            cs.click("e1", minutes(0), "u1", "view", "p1", 1.0, 1);
            assertThat(cs.lastPerKey("product-conversion", ProductConversion.class))
                    .extractingFromEntries(e -> e.getKey(), e -> e.getValue().views())
                    .as("still a duplicate at stream time 13:59").containsExactly(tuple("p1", 1L), tuple("p2", 1L));

            cs.click("e3", minutes(60), "u2", "view", "p2", 1.0, 1);
            cs.click("e1", minutes(0), "u1", "view", "p1", 1.0, 1);

            assertThat(cs.lastPerKey("product-conversion", ProductConversion.class))
                    .extractingFromEntries(e -> e.getKey(), e -> e.getValue().views())
                    .containsExactly(tuple("p1", 2L), tuple("p2", 2L));
            assertThat(lateReasons(cs.late())).as("its windows have closed")
                    .contains("clicks-per-product-5m", "segment-dashboard-5m");
        }
    }

    @Nested
    @DisplayName("event-type-counts")
    class EventTypeCounts {

        @Test
        void shouldCountAClickInEachOfItsThreeHoppingWindowsWithTheAmountOfEveryType() {
            start();

            cs.click("e1", seconds(25), "u1", "view", "p1", 2.5, 4);
            cs.view("e2", seconds(26), "u1", "p1");

            assertThat(cs.values("event-type-counts", EventTypeCount.class)).containsExactly(
                    new EventTypeCount(new Window(seconds(0), seconds(30)), "view", 1, 10.0),
                    new EventTypeCount(new Window(seconds(10), seconds(40)), "view", 1, 10.0),
                    new EventTypeCount(new Window(seconds(20), seconds(50)), "view", 1, 10.0),
                    new EventTypeCount(new Window(seconds(0), seconds(30)), "view", 2, 10.0),
                    new EventTypeCount(new Window(seconds(10), seconds(40)), "view", 2, 10.0),
                    new EventTypeCount(new Window(seconds(20), seconds(50)), "view", 2, 10.0));
        }

        @Test
        void shouldCountALateClickInItsOpenWindowsAndRouteItOnceForTheClosedOne() {
            start();

            cs.click("e1", seconds(40), "u1", "purchase", "p1", 1.0, 1);
            cs.output("event-type-counts").readValuesToList();

            cs.click("e2", seconds(25), "u1", "purchase", "p1", 1.0, 1);

            assertThat(cs.values("event-type-counts", EventTypeCount.class))
                    .extracting(count -> count.window().start(), EventTypeCount::eventCount)
                    .containsExactly(tuple(seconds(10), 1L), tuple(seconds(20), 2L));
            List<TestRecord<String, String>> late = cs.late();
            assertThat(late).singleElement().satisfies(record -> {
                assertThat(header(record.headers(), LateRecords.REASON_HEADER)).isEqualTo("event-type-counts");
                assertThat(header(record.headers(), LateRecords.WINDOW_END_HEADER)).isEqualTo("2025-12-09T13:00:30Z");
            });
        }
    }

    @Nested
    @DisplayName("user-sessions")
    class Sessions {

        @Test
        void shouldEmitOneSessionWhenItClosesWithEndAtLastEventPlusGap() {
            start();
            cs.impressionsIdle();

            cs.click("e1", minutes(0), "u1", "view", "p1", 10.0, 1);
            cs.click("e2", minutes(10), "u1", "purchase", "p1", 10.0, 3);
            cs.click("e3", minutes(20), "u1", "purchase", "p2", 5.0, 2);
            cs.click("e4", millis(minutes(60), -1), "u2", "view", "p1", 1.0, 1);
            assertThat(cs.output("user-sessions").isEmpty()).as("open until 13:20 + 30 min + 10 min").isTrue();

            cs.click("e5", minutes(60), "u2", "view", "p1", 1.0, 1);

            List<TestRecord<String, String>> records = cs.output("user-sessions").readRecordsToList();
            assertThat(records).singleElement().satisfies(record -> {
                assertThat(record.key()).isEqualTo("u1");
                assertThat(record.getRecordTime()).isEqualTo(minutes(50));
                assertThat(ClickstreamDriver.read(record.value(), UserSession.class))
                        .isEqualTo(new UserSession("u1", new Window(minutes(0), minutes(50)), 3, 2, 40.0));
            });
        }

        @Test
        void shouldMergeTwoSessionsThatAClickBridges() {
            start();
            cs.impressionsIdle();

            cs.click("e1", minutes(0), "u1", "view", "p1", 1.0, 1);
            cs.click("e2", minutes(35), "u1", "view", "p1", 1.0, 1);
            cs.click("e3", minutes(20), "u1", "view", "p1", 1.0, 1);
            cs.click("e4", minutes(200), "u2", "view", "p1", 1.0, 1);

            assertThat(cs.values("user-sessions", UserSession.class))
                    .containsExactly(new UserSession("u1", new Window(minutes(0), minutes(65)), 3, 0, 0.0));
        }

        @Test
        void shouldRouteAClickWhoseSessionHasClosedToTheLateTopic() {
            start();
            cs.impressionsIdle();

            cs.click("e1", minutes(0), "u1", "view", "p1", 1.0, 1);
            cs.click("e2", minutes(100), "u2", "view", "p1", 1.0, 1);
            cs.click("e3", minutes(55), "u3", "view", "p1", 1.0, 1);

            assertThat(cs.values("user-sessions", UserSession.class)).extracting(UserSession::userId)
                    .containsExactly("u1");
            assertThat(lateReasons(cs.late())).contains("user-sessions");
        }

        @Test
        void shouldEmitEveryChangeInUpdateMode() {
            start(ClickstreamProperties.defaults().withEmit(Emit.UPDATE, Emit.UPDATE, Emit.UPDATE, Emit.UPDATE));

            cs.click("e1", minutes(0), "u1", "view", "p1", 1.0, 1);
            cs.click("e2", minutes(5), "u1", "view", "p1", 1.0, 1);

            assertThat(cs.values("user-sessions", UserSession.class)).extracting(UserSession::session, UserSession::events)
                    .containsExactly(tuple(new Window(minutes(0), minutes(30)), 1L),
                            tuple(new Window(minutes(0), minutes(35)), 2L));
        }
    }

    @Nested
    @DisplayName("user-activity and product-conversion")
    class RunningTables {

        @Test
        void shouldKeepRunningTotalsCountingLateClicksToo() {
            start();

            cs.click("e1", minutes(0), "u1", "view", "p1", 1.0, 1);
            cs.click("e2", minutes(1), "u1", "purchase", "p1", 1.0, 1);
            cs.click("e3", minutes(90), "u1", "add_to_cart", "p1", 1.0, 1);
            cs.click("e4", minutes(2), "u1", "view", "p1", 1.0, 1);

            assertThat(cs.lastPerKey("user-activity", UserActivity.class))
                    .containsExactly(entry("u1", new UserActivity("u1", 4, 1, minutes(90))));
            assertThat(cs.lastPerKey("product-conversion", ProductConversion.class))
                    .containsExactly(entry("p1", new ProductConversion("p1", 2, 1, 1, 0.5)));
        }

        @Test
        void shouldTimestampARunningTotalWithTheEventTimeOfItsLastClick() {
            start();

            cs.click("e1", minutes(5), "u1", "view", "p1", 1.0, 1);
            cs.click("e2", minutes(3), "u1", "view", "p1", 1.0, 1);

            assertThat(cs.output("user-activity").readRecordsToList()).last()
                    .satisfies(record -> assertThat(record.getRecordTime()).isEqualTo(minutes(3)));
            assertThat(cs.output("product-conversion").readRecordsToList()).last()
                    .satisfies(record -> assertThat(record.getRecordTime()).isEqualTo(minutes(3)));
        }

        @Test
        void shouldReportAConversionRateOfZeroWithoutViews() {
            start();

            cs.click("e1", minutes(0), "u1", "purchase", "p1", 1.0, 1);

            assertThat(cs.output("product-conversion").readValue()).isEqualTo("{\"product_id\":\"p1\",\"views\":0,"
                    + "\"add_to_cart\":0,\"purchases\":1,\"conversion_rate\":0.0}");
        }
    }

    @Nested
    @DisplayName("activity-anomalies")
    class Anomalies {

        @Test
        void shouldReportAUserOnceWhenTheMinutesCountFirstExceedsTheThreshold() {
            start();

            for (int i = 0; i < 50; i++) {
                cs.click("a" + i, millis(minutes(1), i * 100L), "bot", "view", "p1", 1.0, 1);
            }
            assertThat(cs.output("activity-anomalies").isEmpty()).as("50 is not above 50").isTrue();

            for (int i = 50; i < 60; i++) {
                cs.click("a" + i, millis(minutes(1), i * 100L), "bot", "view", "p1", 1.0, 1);
            }

            List<TestRecord<String, String>> records = cs.output("activity-anomalies").readRecordsToList();
            assertThat(records).singleElement().satisfies(record -> {
                assertThat(record.key()).isEqualTo("bot");
                assertThat(ClickstreamDriver.read(record.value(), ActivityAnomaly.class))
                        .isEqualTo(new ActivityAnomaly(new Window(minutes(1), minutes(2)), "bot", 51));
            });
        }

        @Test
        void shouldCountEachMinuteOnItsOwn() {
            start();

            for (int i = 0; i < 60; i++) {
                cs.click("a" + i, millis(minutes(1), i * 2000L), "bot", "view", "p1", 1.0, 1);
            }

            assertThat(cs.output("activity-anomalies").isEmpty()).as("30 per minute").isTrue();
        }
    }

    @Nested
    @DisplayName("click-impression-matches")
    class Matches {

        @Test
        void shouldMatchAClickWithinTheHourAfterAnImpressionOfTheSameUser() {
            start();

            cs.impression("i1", minutes(0), "u1", "p1");
            cs.impression("i2", minutes(0), "u2", "p1");
            cs.click("e1", minutes(30), "u1", "view", "p7", 1.0, 1);
            cs.click("e2", minutes(60), "u1", "view", "p8", 1.0, 1);
            cs.click("e3", millis(minutes(60), 1), "u1", "view", "p9", 1.0, 1);

            List<TestRecord<String, String>> records = cs.output("click-impression-matches").readRecordsToList();
            assertThat(records).extracting(TestRecord::key).containsExactly("u1", "u1");
            assertThat(records.get(0).getRecordTime()).isEqualTo(minutes(30));
            assertThat(records).extracting(record -> ClickstreamDriver.read(record.value(), ClickImpressionMatch.class))
                    .containsExactly(
                            new ClickImpressionMatch("u1", "i1", "e1", "p7", minutes(0), minutes(30), 1800.0),
                            new ClickImpressionMatch("u1", "i1", "e2", "p8", minutes(0), minutes(60), 3600.0));
        }

        @Test
        void shouldMatchWhenTheImpressionArrivesAfterTheClickAndNeverBeforeTheImpression() {
            start();

            cs.click("e1", minutes(10), "u1", "view", "p1", 1.0, 1);
            cs.click("e0", millis(minutes(5), -1), "u1", "view", "p1", 1.0, 1);
            cs.impression("i1", minutes(5), "u1", "p1");

            assertThat(cs.values("click-impression-matches", ClickImpressionMatch.class))
                    .extracting(ClickImpressionMatch::clickEventId, ClickImpressionMatch::delaySeconds)
                    .containsExactly(tuple("e1", 300.0));
        }

        @Test
        void shouldApplyEachSidesOwnGrace() {
            start();

            cs.impression("i0", minutes(0), "u1", "p1");
            cs.click("e1", minutes(30), "u1", "view", "p1", 1.0, 1);
            // each side is late against its own input partition's stream time (clicks' is 30 min
            // now); another user's impression takes the impressions' there too
            cs.impression("i-other", minutes(30), "u2", "p1");
            cs.output("click-impression-matches").readValuesToList();

            cs.click("late-click", minutes(25), "u1", "view", "p1", 1.0, 1);
            cs.click("ok-click", millis(minutes(25), 1), "u1", "view", "p1", 1.0, 1);
            cs.impression("late-imp", minutes(20), "u1", "p1");
            cs.impression("ok-imp", millis(minutes(20), 1), "u1", "p1");

            assertThat(cs.values("click-impression-matches", ClickImpressionMatch.class))
                    .extracting(ClickImpressionMatch::impressionId, ClickImpressionMatch::clickEventId)
                    .containsExactlyInAnyOrder(tuple("i0", "ok-click"), tuple("ok-imp", "e1"),
                            tuple("ok-imp", "ok-click"));
            assertThat(cs.late()).filteredOn(record -> "click-impression-matches".equals(
                            header(record.headers(), LateRecords.REASON_HEADER)))
                    .extracting(TestRecord::value)
                    .allSatisfy(value -> assertThat(value).containsAnyOf("late-click", "late-imp")).hasSize(2);
        }
    }

    @Nested
    @DisplayName("segment-dashboard-5m")
    class Segments {

        @Test
        void shouldEnrichWithTheUsersSegmentBeforeAfterAndAfterADelete() {
            start();

            cs.click("e1", minutes(0), "u1", "purchase", "p1", 10.0, 2);
            cs.user("u1", "gold");
            cs.click("e2", minutes(1), "u1", "purchase", "p1", 5.0, 1);
            cs.click("e3", minutes(1), "u2", "view", "p1", 5.0, 1);
            cs.deleteUser("u1");
            cs.click("e4", minutes(2), "u1", "view", "p1", 5.0, 1);

            assertThat(cs.values("segment-dashboard-5m", SegmentDashboard.class)).containsExactly(
                    new SegmentDashboard(FIRST_5M, "unknown", 1, 1, 20.0, 20.0),
                    new SegmentDashboard(FIRST_5M, "gold", 1, 1, 5.0, 5.0),
                    new SegmentDashboard(FIRST_5M, "unknown", 2, 2, 20.0, 20.0),
                    new SegmentDashboard(FIRST_5M, "unknown", 3, 2, 20.0, 20.0));
        }

        @Test
        void shouldWriteANullAverageWithoutPurchases() {
            start();

            cs.user("u1", "silver");
            cs.view("e1", minutes(0), "u1", "p1");

            assertThat(cs.output("segment-dashboard-5m").readValue()).isEqualTo("{\"window\":{\"start\":"
                    + "\"2025-12-09T13:00:00Z\",\"end\":\"2025-12-09T13:05:00Z\"},\"user_segment\":\"silver\","
                    + "\"total_events\":1,\"unique_users\":1,\"total_revenue\":0.0,\"avg_revenue\":null}");
        }

        @Test
        void shouldRouteALateClickForTheDashboard() {
            start();

            cs.click("e1", minutes(20), "u1", "view", "p1", 1.0, 1);
            cs.click("e2", minutes(4), "u2", "view", "p1", 1.0, 1);

            assertThat(cs.values("segment-dashboard-5m", SegmentDashboard.class)).hasSize(1);
            assertThat(lateReasons(cs.late())).as("its session (13:04 + 30 min + 10 min) is still open")
                    .containsExactlyInAnyOrder("clicks-per-product-5m", "event-type-counts", "activity-anomalies",
                            "click-impression-matches", "segment-dashboard-5m");
        }
    }

    @Nested
    @DisplayName("event-lateness-1m")
    class Lateness {

        @Test
        void shouldReportExactPercentilesOfAKnownDistributionOncePerWallClockMinute() {
            start();

            // the driver's wall clock starts at T0; latencies 1..100 s, arriving in the minute [T0, T0+1m)
            for (int i = 1; i <= 100; i++) {
                cs.click("e" + i, T0.minusSeconds(i), "u" + i, "view", "p1", 1.0, 1);
            }
            cs.driver.advanceWallClockTime(Duration.ofSeconds(64));
            assertThat(cs.output("event-lateness-1m").isEmpty()).as("emitted 5 s after the minute ends").isTrue();

            cs.driver.advanceWallClockTime(Duration.ofSeconds(1));
            cs.driver.advanceWallClockTime(Duration.ofMinutes(3));

            List<TestRecord<String, String>> records = cs.output("event-lateness-1m").readRecordsToList();
            assertThat(records).singleElement().satisfies(record -> {
                assertThat(record.key()).isEqualTo("all");
                assertThat(record.getRecordTime()).isEqualTo(minutes(1));
                assertThat(ClickstreamDriver.read(record.value(), EventLateness.class)).isEqualTo(new EventLateness(
                        new Window(T0, minutes(1)), 100, 50.5, 95.0, 99.0, 100.0, 198.0));
            });
        }

        @Test
        void shouldGiveEachMinuteItsOwnRecord() {
            start();

            cs.click("e1", T0.minusSeconds(2), "u1", "view", "p1", 1.0, 1);
            cs.driver.advanceWallClockTime(Duration.ofMinutes(1));
            cs.click("e2", T0.minusSeconds(10), "u1", "view", "p1", 1.0, 1);
            cs.driver.advanceWallClockTime(Duration.ofMinutes(2));

            assertThat(cs.values("event-lateness-1m", EventLateness.class))
                    .extracting(lateness -> lateness.window().start(), EventLateness::events,
                            EventLateness::maxLatencySeconds)
                    .containsExactly(tuple(T0, 1L, 2.0), tuple(minutes(1), 1L, 70.0));
        }
    }

    @Test
    void shouldSendBadClicksAndImpressionsToTheDeadLetterTopicAndProcessTheGoodOnes() {
        start();

        cs.click("e1", minutes(1), "u1", "view", "p1", 1.0, 1);
        cs.rawClick("bad", "{\"event_id\":\"e2\",\"timestamp\":\"2025-12-09T13:01:00Z\",\"user_id\":\"u1\","
                + "\"event_type\":\"like\",\"product_id\":\"p1\"}");
        cs.rawClick("neg", "{\"event_id\":\"e3\",\"timestamp\":\"2025-12-09T13:01:00Z\",\"user_id\":\"u1\","
                + "\"event_type\":\"view\",\"product_id\":\"p1\",\"price\":-1}");
        cs.rawImpression("imp", "{\"impression_id\":\"i1\",\"user_id\":\"u1\"}");
        cs.click("e4", minutes(2), "u1", "view", "p1", 1.0, 1);

        assertThat(cs.lastPerKey("product-conversion", ProductConversion.class))
                .extractingFromEntries(e -> e.getKey(), e -> e.getValue().views()).containsExactly(tuple("p1", 2L));
        List<TestRecord<String, String>> dead = cs.output(ClickstreamDriver.DLQ).readRecordsToList();
        assertThat(dead).extracting(TestRecord::key).containsExactly("bad", "neg", "imp");
        assertThat(header(dead.get(0).headers(), "__streams.errors.message")).contains("event_type");
        assertThat(header(dead.get(1).headers(), "__streams.errors.message")).contains("price");
        assertThat(header(dead.get(2).headers(), "__streams.errors.topic")).isEqualTo("user-impressions");
    }

    @Nested
    @DisplayName("streamworks.clickstream.outputs")
    class SelectedOutputs {

        @Test
        void shouldBuildOnlyThePipelinesOfTheOutputsTheDeploymentComputes() {
            ClickstreamProperties props = ClickstreamProperties.defaults().withOutputs(Output.CLICKS_PER_PRODUCT);
            ClickstreamDriver only = start(props);
            var builder = TopologyDriver.builder(TopologyDriver.settings(ClickstreamDriver.APP,
                    StreamworksProperties.defaults(), only.metrics, stateDir));
            new ClickstreamTopology(props, ClickstreamDriver.clickSerde(), ClickstreamDriver.impressionSerde(),
                    only.metrics, ClickstreamDriver.eventTime(), ClickstreamDriver.LATE).addTo(builder);

            String description = builder.build().describe().toString();

            assertThat(description).contains(ClickDedupProcessor.STORE, "product-windows-store",
                    "product-windows-distinct-chunks-store", "clicks-by-user-repartition",
                    "clicks-by-product-repartition");
            assertThat(description).doesNotContain("product-conversion-store", "event-type-windows-store",
                    "segment-windows-store", ClickstreamTopology.USERS_STORE, "user-activity-store",
                    SessionProcessor.SESSIONS_STORE, MatchProcessor.CLICKS_STORE, LatenessProcessor.STORE,
                    ClickstreamTopology.IMPRESSIONS_SOURCE, "clicks-by-event-type-repartition",
                    "clicks-by-segment-repartition", "impressions-by-user-repartition",
                    "lateness-samples-repartition");
        }

        @Test
        void shouldComputeTheSelectedOutputsDeduplicatedAndWriteNoOther() {
            start(ClickstreamProperties.defaults().withOutputs(Output.CLICKS_PER_PRODUCT));

            cs.click("e1", minutes(1), "u1", "view", "p1", 1.0, 1);
            cs.click("e1", minutes(1), "u1", "view", "p1", 1.0, 1);
            cs.click("e2", minutes(2), "u2", "purchase", "p1", 1.0, 1);

            assertThat(cs.values("clicks-per-product-5m", ProductClicks.class)).containsExactly(
                    new ProductClicks(FIRST_5M, "p1", 1, 1), new ProductClicks(FIRST_5M, "p1", 2, 2));
            for (String other : List.of("product-conversion", "event-type-counts", "segment-dashboard-5m",
                    "user-activity", "activity-anomalies", "click-impression-matches")) {
                assertThat(cs.output(other).isEmpty()).as(other).isTrue();
            }
        }

        @Test
        void shouldComputeOneOutputOfAPipelineWithoutItsSibling() {
            start(ClickstreamProperties.defaults().withOutputs(Output.PRODUCT_CONVERSION, Output.USER_ACTIVITY));

            cs.click("e1", minutes(1), "u1", "view", "p1", 1.0, 1);
            cs.click("e2", minutes(2), "u1", "purchase", "p1", 1.0, 1);

            assertThat(cs.lastPerKey("product-conversion", ProductConversion.class))
                    .extractingFromEntries(e -> e.getKey(), e -> e.getValue().purchases()).containsExactly(tuple("p1", 1L));
            assertThat(cs.lastPerKey("user-activity", UserActivity.class))
                    .extractingFromEntries(e -> e.getKey(), e -> e.getValue().totalEvents()).containsExactly(tuple("u1", 2L));
            assertThat(cs.output("clicks-per-product-5m").isEmpty()).isTrue();
            assertThat(cs.output("activity-anomalies").isEmpty()).isTrue();
        }
    }

    @Test
    void shouldNameEveryStoreTopicAndNode() {
        ClickstreamProperties props = ClickstreamProperties.defaults().withEmit(Emit.FINAL, Emit.FINAL, Emit.FINAL,
                Emit.FINAL);
        ClickstreamDriver named = start(props);
        var builder = TopologyDriver.builder(TopologyDriver.settings(ClickstreamDriver.APP,
                StreamworksProperties.defaults(), named.metrics, stateDir));
        new ClickstreamTopology(props, ClickstreamDriver.clickSerde(), ClickstreamDriver.impressionSerde(),
                named.metrics, ClickstreamDriver.eventTime(), ClickstreamDriver.LATE).addTo(builder);

        String description = builder.build().describe().toString();

        assertThat(description).contains(ClickDedupProcessor.STORE,
                "product-windows-store", "product-windows-distinct-chunks-store", "product-windows-closed-store",
                "product-conversion-store", "event-type-windows-store", "segment-windows-store",
                "segment-windows-distinct-chunks-store", "user-activity-store", "activity-anomalies-store",
                SessionProcessor.SESSIONS_STORE, SessionProcessor.DUE_STORE, MatchProcessor.IMPRESSIONS_STORE,
                MatchProcessor.CLICKS_STORE, "match-impressions-by-slot-store", "match-clicks-by-slot-store",
                LatenessProcessor.STORE, LatenessProcessor.EMITTED_STORE, ClickstreamTopology.USERS_STORE,
                "clicks-by-user-repartition", "clicks-by-product-repartition", "clicks-by-event-type-repartition",
                "clicks-by-segment-repartition", "clicks-by-user-repartition", "impressions-by-user-repartition",
                "lateness-samples-repartition", ClickstreamTopology.CLICKS_SOURCE, ClickstreamTopology.IMPRESSIONS_SOURCE,
                ClickstreamTopology.USERS_SOURCE, ClickstreamTopology.DEDUP, ClickstreamTopology.USER_CLOCK,
                ClickstreamTopology.WINDOWS_SINK, ClickstreamTopology.PRODUCT_LATE_SINK, MatchProcessor.SINK,
                LatenessProcessor.SINK);
        assertThat(description).doesNotContain("KSTREAM-", "STATE-STORE-", "KTABLE-");
        assertThat(description).as("the join's stores of the earlier layout are gone").doesNotContain(
                "match-impressions-store", "match-clicks-store", "match-impressions-expiry-store",
                "match-clicks-expiry-store");
        assertThat(description).as("the distinct sets of the earlier layout (one entry per value) are gone")
                .doesNotContain("product-windows-distinct-store", "segment-windows-distinct-store");
    }
}
