package dev.streamworks.bench;

import dev.streamworks.common.event.Click;
import dev.streamworks.common.event.TelemetryReading;
import dev.streamworks.common.event.Transaction;
import dev.streamworks.common.serde.EventSerde;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
    void everyTransactionIsValidWithAUniqueIdKeyedByUser() {
        EventSerde<Transaction> serde = new EventSerde<>(Transaction.class, 1 << 20, Duration.ofHours(1), CLOCK);
        BenchTransactions traffic = new BenchTransactions(200, "run1", 7);
        Set<String> ids = new HashSet<>();
        Set<String> users = new HashSet<>();
        Set<String> countries = new HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            long at = T0.toEpochMilli() + i * 100L;
            BenchTraffic.Generated g = traffic.next(at);
            Transaction tx = serde.parse(g.value().getBytes(StandardCharsets.UTF_8));

            assertThat(tx.userId()).isEqualTo(g.key());
            assertThat(tx.eventTime().toEpochMilli()).isEqualTo(at);
            assertThat(tx.amount()).isPositive();
            assertThat(tx.currency()).isNotBlank();
            assertThat(tx.merchant()).isNotBlank();
            assertThat(ids.add(tx.transactionId())).isTrue();
            assertThat(Pipeline.FRAUD.eventId(g.value())).isEqualTo(tx.transactionId());
            // correlated (an alert answers it) or not at all
            assertThat(g.correlationKey()).isIn(null, tx.transactionId());
            users.add(tx.userId());
            countries.add(tx.country());
        }
        assertThat(users).hasSize(200);
        assertThat(countries.size()).isGreaterThan(5);
    }

    @Test
    void transactionsAreDeterministicBySeed() {
        BenchTransactions a = new BenchTransactions(100, "r", 42);
        BenchTransactions b = new BenchTransactions(100, "r", 42);
        BenchTransactions other = new BenchTransactions(100, "r", 43);
        List<String> fromA = new ArrayList<>();
        List<String> fromOther = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            long at = T0.toEpochMilli() + i * 1_000L;
            BenchTraffic.Generated g = a.next(at);
            assertThat(b.next(at)).isEqualTo(g);
            fromA.add(g.value());
            fromOther.add(other.next(at).value());
        }
        assertThat(fromOther).isNotEqualTo(fromA);
    }

    @Test
    void mostTransactionsAreOrdinaryButTheRulesFireNowAndThen() {
        // the default backlog's pace: a user pays about every three minutes (1,000,000 over an hour, 50,000 users)
        int users = 2_000;
        int events = 40_000;
        BenchTransactions traffic = new BenchTransactions(users, "r", 1);
        long correlated = 0;
        for (int i = 0; i < events; i++) {
            BenchTraffic.Generated g = traffic.next(T0.toEpochMilli() + i * 3_600_000L / events);
            if (g.correlationKey() != null) {
                correlated++;
            }
        }
        assertThat(traffic.alerts()).isEqualTo(correlated);
        // suspicions by risky users and one-off spikes, a few escalations; far from every transaction
        assertThat(correlated).isBetween(events / 1_000L, events / 20L);
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
