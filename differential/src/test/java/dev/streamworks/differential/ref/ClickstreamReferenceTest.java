package dev.streamworks.differential.ref;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.List;

import static dev.streamworks.differential.ref.ClickstreamReference.ACTIVITY;
import static dev.streamworks.differential.ref.ClickstreamReference.ANOMALIES;
import static dev.streamworks.differential.ref.ClickstreamReference.CONVERSION;
import static dev.streamworks.differential.ref.ClickstreamReference.DLQ;
import static dev.streamworks.differential.ref.ClickstreamReference.EVENT_TYPES;
import static dev.streamworks.differential.ref.ClickstreamReference.LATE;
import static dev.streamworks.differential.ref.ClickstreamReference.LATENESS;
import static dev.streamworks.differential.ref.ClickstreamReference.MATCHES;
import static dev.streamworks.differential.ref.ClickstreamReference.PRODUCTS;
import static dev.streamworks.differential.ref.ClickstreamReference.SEGMENTS;
import static dev.streamworks.differential.ref.ClickstreamReference.SESSIONS;
import static dev.streamworks.differential.ref.Outputs.lateReasons;
import static dev.streamworks.differential.ref.Outputs.values;
import static dev.streamworks.differential.ref.Outputs.window;
import static org.assertj.core.api.Assertions.assertThat;

/** The click-stream reference on small inputs whose outputs are worked out by hand. */
class ClickstreamReferenceTest {

    private static Expected backlog(Inputs inputs) {
        return ClickstreamReference.compute(inputs.data(), ClickstreamReference.Mode.BACKLOG, Inputs.SETTINGS);
    }

    private static long activity(Expected expected, String user) {
        return values(expected, ACTIVITY, user).get(0).path("total_events").asLong();
    }

    @Test
    void dropsACopyWithinTheHourAndKeepsOneAtExactlyAnHour() {
        Inputs inputs = new Inputs()
                .click(0, "e1", "13:00:00", "u1", "view", "p1")
                .click(0, "e1", "13:00:00", "u1", "view", "p1") // copy, same rwm: dropped
                .click(0, "e2", "13:59:59.999", "u1", "view", "p1")
                .click(0, "e3", "12:59:00", "u1", "view", "p1")
                .click(0, "e1", "13:00:00", "u1", "view", "p1") // read 1 h - 1 ms after the first: dropped
                .click(0, "e4", "14:00:00", "u1", "view", "p1") // rwm 14:00, exactly 1 h after e1's
                .click(0, "e1", "13:00:00", "u1", "view", "p1"); // kept: read 1 h after the first copy
        Expected expected = backlog(inputs);
        assertThat(activity(expected, "u1")).isEqualTo(5);
        assertThat(values(expected, LATENESS, "all").get(0).path("events").asLong()).isEqualTo(5);
        // the copy kept at 14:00 is late for the 5-minute window [13:00, 13:05) (13:15 <= 14:00)
        assertThat(lateReasons(expected, LATE, "\"e1\"")).contains(PRODUCTS, SEGMENTS, EVENT_TYPES, ANOMALIES, MATCHES);
    }

    @Test
    void keepsAnIdReusedExactlyAnHourLaterInEventTime() {
        Inputs inputs = new Inputs()
                .click(0, "e1", "13:00:00", "u1", "view", "p1")
                .click(0, "e1", "13:59:59.999", "u1", "view", "p2") // 1 h - 1 ms: a duplicate
                .click(0, "e1", "14:00:00", "u1", "view", "p3"); // exactly 1 h: counted
        Expected expected = backlog(inputs);
        assertThat(activity(expected, "u1")).isEqualTo(2);
        assertThat(values(expected, CONVERSION, "p2")).isEmpty();
        assertThat(values(expected, CONVERSION, "p3")).hasSize(1);
    }

    @Test
    void judgesTheTumblingGraceAgainstTheRecordsOwnPartitionInclusive() {
        Inputs inputs = new Inputs()
                .click(0, "a", "13:15:00", "u1", "view", "p9")
                .click(0, "b", "13:04:59.999", "u2", "view", "p1") // [13:00,13:05) + 10 min = 13:15 <= 13:15: late
                .click(0, "c", "13:05:00", "u2", "view", "p1") // [13:05,13:10): counted
                .click(1, "d", "13:00:00", "u3", "view", "p1"); // partition 1 is at 13:00: counted
        Expected expected = backlog(inputs);
        assertThat(window(expected, PRODUCTS, "p1", "13:00:00").path("clicks").asLong()).isEqualTo(1);
        assertThat(window(expected, PRODUCTS, "p1", "13:00:00").path("unique_users").asLong()).isEqualTo(1);
        assertThat(window(expected, PRODUCTS, "p1", "13:05:00").path("clicks").asLong()).isEqualTo(1);
        assertThat(lateReasons(expected, LATE, "\"b\"")).contains(PRODUCTS, SEGMENTS);
        assertThat(lateReasons(expected, LATE, "\"c\"")).doesNotContain(PRODUCTS, SEGMENTS);
        // the running tables count the late click too
        assertThat(values(expected, CONVERSION, "p1").get(0).path("views").asLong()).isEqualTo(3);
    }

    @Test
    void countsAHoppingClickInItsOpenWindowsAndRoutesItLateOnce() {
        Inputs inputs = new Inputs()
                .click(0, "a", "13:00:35", "u1", "view", "p1")
                .purchase(0, "b", "13:00:15", "u1", "p1", "2.50", 4);
        Expected expected = backlog(inputs);
        // b is in [12:59:50,13:00:20) (+10 s = 13:00:30 <= 13:00:35: late), [13:00:00,13:00:30), [13:00:10,13:00:40)
        assertThat(window(expected, EVENT_TYPES, "purchase", "12:59:50")).isNull();
        assertThat(window(expected, EVENT_TYPES, "purchase", "13:00:00").path("event_count").asLong()).isEqualTo(1);
        assertThat(window(expected, EVENT_TYPES, "purchase", "13:00:10").path("total_revenue").asDouble()).isEqualTo(10.0);
        assertThat(lateReasons(expected, LATE, "\"b\"")).containsExactly(EVENT_TYPES);
    }

    @Test
    void buildsSessionsWithTheGapInclusiveAndEmitsOnlyClosedOnes() {
        Inputs inputs = new Inputs()
                .purchase(0, "a", "13:00:00", "u1", "p1", "10", 2)
                .click(0, "b", "13:30:00", "u1", "view", "p1") // exactly the gap: same session
                .click(0, "c", "14:00:00.001", "u1", "view", "p1") // 30 min + 1 ms: a new session
                .click(1, "d", "12:30:00.001", "u2", "view", "p1")
                .click(1, "e", "13:00:00", "u2", "view", "p1") // joins d: 30 min - 1 ms
                .click(0, "z", "14:40:00", "u3", "view", "p1"); // watermark 14:40
        Expected expected = backlog(inputs);
        List<JsonNode> sessions = values(expected, SESSIONS, "u1");
        // [13:00, 13:30] closes at 13:30 + 30 + 10 = 14:10 <= 14:40; [14:00:00.001] at 14:40:00.001 > 14:40: open
        assertThat(sessions).hasSize(1);
        assertThat(sessions.get(0).path("session").path("start").asString()).isEqualTo("2025-12-09T13:00:00Z");
        assertThat(sessions.get(0).path("session").path("end").asString()).isEqualTo("2025-12-09T14:00:00Z");
        assertThat(sessions.get(0).path("events").asLong()).isEqualTo(2);
        assertThat(sessions.get(0).path("purchases").asLong()).isEqualTo(1);
        assertThat(sessions.get(0).path("revenue").asDouble()).isEqualTo(20.0);
        assertThat(values(expected, SESSIONS, "u2").get(0).path("events").asLong()).isEqualTo(2);
        assertThat(values(expected, SESSIONS, "u3")).isEmpty();
    }

    @Test
    void routesAClickLateWhenTheSessionItWouldJoinIsPastItsGrace() {
        Inputs inputs = new Inputs()
                .click(0, "a", "13:00:00", "u1", "view", "p1")
                .click(0, "b", "13:00:00.001", "u2", "view", "p1")
                .click(0, "x", "13:40:00", "u9", "view", "p1") // rwm 13:40
                .click(0, "c", "13:30:00", "u1", "view", "p1") // joins a, 13:00 + 40 min <= 13:40: late
                .click(0, "d", "13:30:00.001", "u2", "view", "p1") // joins b, 13:40:00.001 > 13:40: counted
                .click(0, "e", "13:00:00", "u3", "view", "p1") // alone: 13:00 + 40 min <= 13:40: late
                .click(0, "z", "15:00:00", "u9", "view", "p1");
        Expected expected = backlog(inputs);
        assertThat(lateReasons(expected, LATE, "\"c\"")).contains(SESSIONS);
        assertThat(lateReasons(expected, LATE, "\"d\"")).doesNotContain(SESSIONS);
        assertThat(lateReasons(expected, LATE, "\"e\"")).contains(SESSIONS);
        assertThat(values(expected, SESSIONS, "u1").get(0).path("events").asLong()).isEqualTo(1);
        assertThat(values(expected, SESSIONS, "u2").get(0).path("events").asLong()).isEqualTo(2);
        assertThat(values(expected, SESSIONS, "u3")).isEmpty();
    }

    @Test
    void joinsImpressionsWithinTheHourBeforeTheClickBoundsIncluded() {
        Inputs inputs = new Inputs()
                .impression(0, "i1", "12:00:00", "u1", "p1") // exactly 1 h before: matches
                .impression(0, "i2", "11:59:59.999", "u1", "p1") // 1 h + 1 ms: no
                .impression(0, "i3", "13:00:00", "u1", "p2") // same instant: matches
                .impression(0, "i4", "13:00:00.001", "u1", "p2") // after the click: no
                .impression(1, "i5", "12:30:00", "u2", "p1") // another user: no
                .click(0, "c1", "13:00:00", "u1", "view", "p7");
        Expected expected = backlog(inputs);
        List<JsonNode> matches = values(expected, MATCHES, "u1");
        assertThat(matches).extracting(match -> match.path("impression_id").asString()).containsExactlyInAnyOrder("i1", "i3");
        JsonNode hour = matches.stream().filter(m -> m.path("impression_id").asString().equals("i1")).findFirst().orElseThrow();
        assertThat(hour.path("delay_seconds").asDouble()).isEqualTo(3600.0);
        assertThat(hour.path("product_id").asString()).isEqualTo("p7");
        assertThat(hour.path("click_event_id").asString()).isEqualTo("c1");
    }

    @Test
    void judgesTheJoinGracesPerSide() {
        Inputs inputs = new Inputs()
                .impression(0, "anchor", "13:10:00", "u9", "p1")
                .impression(0, "i-late", "13:00:00", "u1", "p1") // 13:00 + 10 min <= 13:10: late
                .impression(0, "i-ok", "13:00:00.001", "u1", "p1")
                .click(0, "anchor", "13:10:00", "u9", "view", "p1")
                .click(0, "c-late", "13:05:00", "u1", "view", "p1") // 13:05 + 5 min <= 13:10: late
                .click(0, "c-ok", "13:05:00.001", "u1", "view", "p1");
        Expected expected = backlog(inputs);
        assertThat(values(expected, MATCHES, "u1")).extracting(m -> m.path("impression_id").asString() + "/"
                + m.path("click_event_id").asString()).containsExactly("i-ok/c-ok");
        assertThat(lateReasons(expected, LATE, "i-late")).containsExactly(MATCHES);
        assertThat(lateReasons(expected, LATE, "c-late")).contains(MATCHES);
    }

    @Test
    void reportsAUserWindowOnceWhenItExceedsTheThreshold() {
        Inputs inputs = new Inputs();
        for (int i = 0; i < 51; i++) {
            inputs.click(0, "a" + i, String.format("13:00:%02d", i), "u1", "view", "p1");
        }
        for (int i = 0; i < 50; i++) {
            inputs.click(1, "b" + i, String.format("13:00:%02d", i), "u2", "view", "p1");
        }
        Expected expected = backlog(inputs);
        assertThat(values(expected, ANOMALIES, "u1")).singleElement()
                .satisfies(a -> assertThat(a.path("events_per_minute").asLong()).isEqualTo(51));
        assertThat(values(expected, ANOMALIES, "u2")).isEmpty();
    }

    @Test
    void enrichesWithTheTableAsItEndsInABacklogAndAsItIsLive() {
        Inputs inputs = new Inputs()
                .setupUser("u1", "gold")
                .purchase(0, "a", "13:00:00", "u1", "p1", "3", 2)
                .user("u1", "silver")
                .purchase(0, "b", "13:01:00", "u1", "p1", "1", 1)
                .click(0, "c", "13:02:00", "u2", "view", "p1");
        Expected backlog = backlog(inputs);
        assertThat(window(backlog, SEGMENTS, "silver", "13:00:00").path("total_events").asLong()).isEqualTo(2);
        assertThat(window(backlog, SEGMENTS, "silver", "13:00:00").path("avg_revenue").asDouble()).isEqualTo(3.5);
        assertThat(window(backlog, SEGMENTS, "unknown", "13:00:00").path("avg_revenue").isNull()).isTrue();
        Expected live = ClickstreamReference.compute(inputs.data(), ClickstreamReference.Mode.LIVE, Inputs.SETTINGS);
        assertThat(window(live, SEGMENTS, "gold", "13:00:00").path("total_revenue").asDouble()).isEqualTo(6.0);
        assertThat(window(live, SEGMENTS, "silver", "13:00:00").path("unique_users").asLong()).isEqualTo(1);
    }

    @Test
    void sendsBadInputOfEveryKindToTheDeadLetterTopicUnchanged() {
        String valid = "{\"event_id\":\"e\",\"timestamp\":\"2025-12-09T13:00:00+02:00\",\"user_id\":\"u\","
                + "\"event_type\":\"view\",\"product_id\":\"p\",\"price\":0,\"quantity\":0,\"extra\":[1]}";
        Inputs inputs = new Inputs()
                .raw("user-clicks", 0, "k", valid)
                .raw("user-clicks", 0, "k", "{\"event_id\":\"e2\",\"timestamp\":1765285200000,\"user_id\":\"u\","
                        + "\"event_type\":\"view\",\"product_id\":\"p\"}")
                .raw("user-clicks", 0, "k", "{\"event_id\":\"e3\",\"timestamp\":\"2025-12-09T13:00:00\",\"user_id\":\"u\","
                        + "\"event_type\":\"view\",\"product_id\":\"p\"}")
                .raw("user-clicks", 0, "k", "not json")
                .raw("user-clicks", 0, "k", valid.replace("\"quantity\":0", "\"quantity\":2.5"))
                .raw("user-clicks", 0, "k", valid.replace("\"price\":0", "\"price\":-1"))
                .raw("user-clicks", 0, "k", valid.replace("\"price\":0", "\"price\":\"0\""))
                .raw("user-clicks", 0, "k", valid.replace("\"view\"", "\"click\""))
                .raw("user-clicks", 0, "k", valid.replace("\"user_id\":\"u\"", "\"user_id\":null"))
                .raw("user-clicks", 0, "k", valid.replace("2025-12-09T13:00:00+02:00", "2025-12-10T01:00:00.001Z"))
                .raw("user-clicks", 0, "k", valid.replace("2025-12-09T13:00:00+02:00", "2025-12-10T01:00:00Z"))
                .raw("user-clicks", 0, "k", valid.replace("\"2025-12-09T13:00:00+02:00\"", "-1"))
                .raw("user-clicks", 0, "k", valid.replace("2025-12-09T13:00:00+02:00", "13:00"))
                .raw("user-impressions", 0, "k", "{\"impression_id\":\"i\",\"user_id\":\"u\",\"product_id\":\"p\"}");
        Expected expected = backlog(inputs);
        // valid: the offset form, epoch millis, no zone, and the far-future bound itself (wall clock + 1 h)
        assertThat(expected.records(DLQ)).hasSize(10);
        assertThat(expected.records(DLQ)).allSatisfy(out -> assertThat(out.key()).isEqualTo("k"));
        assertThat(expected.records(DLQ).get(0).value().asString()).isEqualTo("not json");
        assertThat(values(expected, ACTIVITY, "u").get(0).path("total_events").asLong()).isEqualTo(4);
        assertThat(values(expected, ACTIVITY, "u").get(0).path("last_activity").asString()).isEqualTo("2025-12-10T01:00:00Z");
    }
}
