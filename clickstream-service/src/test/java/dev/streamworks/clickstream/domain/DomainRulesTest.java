package dev.streamworks.clickstream.domain;

import dev.streamworks.common.event.Click.EventType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class DomainRulesTest {

    private static final Instant T = Instant.parse("2025-12-09T13:00:00Z");

    @Test
    void shouldReportAnAnomalyOnlyAtTheFirstCrossing() {
        MinuteActivity state = MinuteActivity.empty();
        int crossings = 0;
        for (int i = 0; i < 60; i++) {
            MinuteActivity next = state.add(50);
            if (next.firstCrossingAfter(state)) {
                crossings++;
                assertThat(next.events()).isEqualTo(51);
            }
            state = next;
        }
        assertThat(crossings).isEqualTo(1);
    }

    @Test
    void shouldComputeTheConversionRateOverViews() {
        ProductConversion conversion = ProductConversion.first("p").add(EventType.PURCHASE);
        assertThat(conversion.conversionRate()).isZero();

        conversion = conversion.add(EventType.VIEW).add(EventType.VIEW).add(EventType.REMOVE).add(EventType.ADD_TO_CART);

        assertThat(conversion).isEqualTo(new ProductConversion("p", 2, 1, 1, 0.5));
    }

    @Test
    void shouldKeepTheLatestActivityWhateverTheArrivalOrder() {
        UserActivity activity = UserActivity.first("u").add(T.plusSeconds(60), false).add(T, true);

        assertThat(activity).isEqualTo(new UserActivity("u", 2, 1, T.plusSeconds(60)));
    }

    @Test
    void shouldMatchOnlyInsideTheClosedInterval() {
        Duration hour = Duration.ofHours(1);
        assertThat(ClickImpressionMatch.matches(T, T, hour)).isTrue();
        assertThat(ClickImpressionMatch.matches(T, T.plus(hour), hour)).isTrue();
        assertThat(ClickImpressionMatch.matches(T, T.plus(hour).plusMillis(1), hour)).isFalse();
        assertThat(ClickImpressionMatch.matches(T, T.minusMillis(1), hour)).isFalse();
        assertThat(ClickImpressionMatch.of("u", "i", T, "e", "p", T.plusMillis(1500)).delaySeconds()).isEqualTo(1.5);
    }

    @Test
    void shouldEnrichAMissingRowOrSegmentAsUnknown() {
        assertThat(UserRow.segmentOf(null)).isEqualTo("unknown");
        assertThat(UserRow.segmentOf(new UserRow("u", null))).isEqualTo("unknown");
        assertThat(UserRow.segmentOf(new UserRow("u", "gold"))).isEqualTo("gold");
    }
}
