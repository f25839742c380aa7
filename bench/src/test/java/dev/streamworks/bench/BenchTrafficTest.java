package dev.streamworks.bench;

import dev.streamworks.common.event.Click;
import dev.streamworks.common.event.TelemetryReading;
import dev.streamworks.common.serde.EventSerde;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The bench's inputs must all be valid by the services' own validation, or the counts would not add up. */
class BenchTrafficTest {

    private static final Instant T0 = Instant.parse("2025-12-09T13:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0.plus(Duration.ofDays(1)), ZoneOffset.UTC);

    @Test
    void everyReadingIsValidAndCarriesItsEventTime() {
        EventSerde<TelemetryReading> serde = new EventSerde<>(TelemetryReading.class, 1 << 20, Duration.ofHours(1), CLOCK);
        BenchTelemetry traffic = new BenchTelemetry(50, 7);
        for (int i = 0; i < 5_000; i++) {
            long at = T0.toEpochMilli() + i * 100L;
            BenchTraffic.Generated g = traffic.next(at);
            TelemetryReading reading = serde.parse(g.value().getBytes(StandardCharsets.UTF_8));

            assertThat(reading.deviceId()).isEqualTo(g.key());
            assertThat(reading.eventTime().toEpochMilli()).isEqualTo(at);
            assertThat(g.correlationKey()).isEqualTo(BenchTraffic.correlationKey(g.key(),
                    BenchTraffic.windowStart(at, BenchTelemetry.WINDOW_MS)));
        }
    }

    @Test
    void everyClickIsValidWithAUniqueEventId() {
        EventSerde<Click> serde = new EventSerde<>(Click.class, 1 << 20, Duration.ofHours(1), CLOCK);
        BenchClicks traffic = new BenchClicks(20, 100, "run1", 7);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            long at = T0.toEpochMilli() + i * 100L;
            BenchTraffic.Generated g = traffic.next(at);
            Click click = serde.parse(g.value().getBytes(StandardCharsets.UTF_8));

            assertThat(click.productId()).isEqualTo(g.key());
            assertThat(click.eventTime().toEpochMilli()).isEqualTo(at);
            assertThat(ids.add(click.eventId())).isTrue();
            assertThat(g.correlationKey()).isEqualTo(BenchTraffic.correlationKey(g.key(),
                    BenchTraffic.windowStart(at, BenchClicks.WINDOW_MS)));
        }
    }

    @Test
    void windowsAreAlignedToTheEpoch() {
        long fiveMinutes = 300_000;
        assertThat(BenchTraffic.windowStart(T0.toEpochMilli() + 299_999, fiveMinutes)).isEqualTo(T0.toEpochMilli());
        assertThat(BenchTraffic.windowStart(T0.toEpochMilli() + 300_000, fiveMinutes))
                .isEqualTo(T0.toEpochMilli() + 300_000);
    }

    @Test
    void theProgressBarShowsShareCountAndRate() {
        assertThat(Load.ProgressBar.render("loading t", 250, 1000, 2.0))
                .isEqualTo("loading t [#######.......................]  25% 250/1,000 (125/s)");
    }
}
