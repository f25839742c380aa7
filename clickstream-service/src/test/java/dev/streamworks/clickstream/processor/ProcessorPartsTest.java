package dev.streamworks.clickstream.processor;

import dev.streamworks.clickstream.ClickstreamProperties;
import dev.streamworks.clickstream.domain.LatencyHistogram;
import dev.streamworks.clickstream.domain.UserRow;
import dev.streamworks.clickstream.domain.WindowFigures;
import dev.streamworks.common.event.Click;
import dev.streamworks.common.event.Impression;
import dev.streamworks.common.serde.EventSerde;
import dev.streamworks.common.serde.Parsed;
import dev.streamworks.common.serde.RepartitionSerde;
import dev.streamworks.common.testing.TestEvents;
import dev.streamworks.common.testing.TestTimes;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static dev.streamworks.common.testing.TestTimes.seconds;
import static org.assertj.core.api.Assertions.assertThat;

class ProcessorPartsTest {

    @Test
    void shouldCarryClicksAndImpressionsWithTheirOriginalBytes() {
        EventSerde<Click> clicks = new EventSerde<>(Click.class, 4096, Duration.ofHours(1), TestTimes.CLOCK);
        EventSerde<Impression> impressions = new EventSerde<>(Impression.class, 4096, Duration.ofHours(1),
                TestTimes.CLOCK);
        UserEventSerde serde = new UserEventSerde(clicks, impressions);
        String click = TestEvents.click("e1", TestTimes.T0, "u1", "view", "p1", 1.0, 1);
        String impression = TestEvents.impression("i1", TestTimes.T0, "u1", "p1");

        UserEvent clickBack = serde.deserializer().deserialize("t", serde.serializer().serialize("t",
                UserEvent.click(clicks.deserializer().deserialize("t", click.getBytes(StandardCharsets.UTF_8)))));
        UserEvent impressionBack = serde.deserializer().deserialize("t", serde.serializer().serialize("t",
                UserEvent.impression(impressions.deserializer().deserialize("t",
                        impression.getBytes(StandardCharsets.UTF_8)))));

        assertThat(clickBack).isInstanceOf(UserEvent.ClickEvent.class);
        assertThat(new String(clickBack.parsed().bytes(), StandardCharsets.UTF_8)).isEqualTo(click);
        assertThat(((UserEvent.ImpressionEvent) impressionBack).impression().impressionId()).isEqualTo("i1");
    }

    @Test
    void shouldStillReadUserEventsWrittenInTheEarlierTaggedJsonForm() {
        EventSerde<Click> clicks = new EventSerde<>(Click.class, 4096, Duration.ofHours(1), TestTimes.CLOCK);
        EventSerde<Impression> impressions = new EventSerde<>(Impression.class, 4096, Duration.ofHours(1),
                TestTimes.CLOCK);
        UserEventSerde serde = new UserEventSerde(clicks, impressions);
        String impression = TestEvents.impression("i1", TestTimes.T0, "u1", "p1");

        UserEvent back = serde.deserializer().deserialize("t", ("I" + impression).getBytes(StandardCharsets.UTF_8));

        assertThat(((UserEvent.ImpressionEvent) back).impression().productId()).isEqualTo("p1");
        assertThat(new String(back.parsed().bytes(), StandardCharsets.UTF_8)).isEqualTo(impression);
    }

    @Test
    void shouldCarryEveryFieldOfAClickThroughTheRepartitionTopics() {
        EventSerde<Click> clicks = new EventSerde<>(Click.class, 4096, Duration.ofHours(1), TestTimes.CLOCK);
        RepartitionSerde<Click> serde = RepartitionSerde.of(clicks, new ClickCodec());
        String full = "{\"event_id\":\"e1\",\"timestamp\":\"2025-12-09T13:08:01.282Z\",\"user_id\":\"ü1\","
                + "\"event_type\":\"purchase\",\"product_id\":\"p1\",\"product_name\":\"Thé\","
                + "\"category\":\"tea\",\"price\":12.5,\"quantity\":3}";
        String bare = "{\"event_id\":\"e2\",\"timestamp\":1765285681282,\"user_id\":\"u2\","
                + "\"event_type\":\"remove\",\"product_id\":\"p2\"}";

        for (String json : List.of(full, bare)) {
            Parsed<Click> parsed = clicks.deserializer().deserialize("user-clicks", json.getBytes(StandardCharsets.UTF_8));
            Parsed<Click> back = serde.read(serde.write(parsed));
            assertThat(back.value()).isEqualTo(parsed.value());
            assertThat(new String(back.bytes(), StandardCharsets.UTF_8)).isEqualTo(json);
        }
    }

    @Test
    void shouldReadUserRowsLeniently() {
        UserRowSerde serde = new UserRowSerde();

        assertThat(serde.deserializer().deserialize("cdc.users", null)).isNull();
        assertThat(serde.deserializer().deserialize("cdc.users",
                "{\"user_id\":\"u1\",\"user_segment\":\"gold\",\"age\":3}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new UserRow("u1", "gold"));
        assertThat(UserRow.segmentOf(serde.deserializer().deserialize("cdc.users",
                "not json".getBytes(StandardCharsets.UTF_8)))).isEqualTo("unknown");
    }

    @Test
    void shouldRoundTripWindowFiguresWithAndWithoutASketch() {
        WindowFiguresSerde serde = new WindowFiguresSerde();
        WindowFigures exact = WindowFigures.empty().add(true, false, "u1", true, 12.5, 12.5)
                .add(false, false, "u1", false, null, 3.0);
        WindowFigures approximate = WindowFigures.empty().add(false, true, "u1", false, null, null);

        assertThat(serde.deserializer().deserialize("s", serde.serializer().serialize("s", exact))).isEqualTo(exact);
        assertThat(serde.deserializer().deserialize("s", serde.serializer().serialize("s", approximate)))
                .isEqualTo(approximate);
        assertThat(exact).isEqualTo(new WindowFigures(2, 1, 1, 12.5, 15.5, null));
        assertThat(approximate.uniqueUsers()).isEqualTo(1);
    }

    @Test
    void shouldRoundTripLatenessBucketsInNumericKeyOrderAndASample() {
        var keys = LatenessBuckets.keySerde();
        var figures = LatenessBuckets.figuresSerde();
        LatenessBuckets.Figures bucket = LatenessBuckets.Figures.of(15_555).add(15_001);
        byte[] early = keys.serializer().serialize("s", new LatenessBuckets.Key(60_000, 15_000));
        byte[] later = keys.serializer().serialize("s", new LatenessBuckets.Key(120_000, 5));

        assertThat(figures.deserializer().deserialize("s", figures.serializer().serialize("s", bucket)))
                .isEqualTo(new LatenessBuckets.Figures(2, 30_556, 15_555));
        assertThat(keys.deserializer().deserialize("s", early)).isEqualTo(new LatenessBuckets.Key(60_000, 15_000));
        assertThat(java.util.Arrays.compareUnsigned(early, later)).as("a minute's buckets sort before the next minute's")
                .isNegative();
        LatenessSample sample = new LatenessSample(10_000, 4_000);
        assertThat(LatenessSample.serde().deserializer().deserialize("s",
                LatenessSample.serde().serializer().serialize("s", sample))).isEqualTo(sample);
        assertThat(sample.latencyMs()).isEqualTo(6_000);
    }
}
