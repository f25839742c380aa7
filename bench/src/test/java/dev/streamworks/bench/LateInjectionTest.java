package dev.streamworks.bench;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LateInjectionTest {

    private static final long HOUR = Duration.ofHours(1).toMillis();
    private static final long OFFSET = LateInjection.OFFSET.toMillis();

    private static List<Integer> late(LateInjection injection, int events) {
        return IntStream.range(0, events).filter(injection::isLate).boxed().toList();
    }

    @Test
    void theOffsetExceedsEveryWindowPlusGraceOfTheBenchPipelines() {
        // clickstream: sessions gap 30 min + grace 10 min; 5-minute windows + 10 min grace (iot too)
        assertThat(LateInjection.OFFSET).isGreaterThan(Duration.ofMinutes(30 + 10).plusMinutes(5));
    }

    @Test
    void makesExactlyTheShareLateEachOffsetEarlierAndOnlyWhereTheLateTimeStaysInTheBacklog() {
        int events = 100_000;
        LateInjection injection = LateInjection.choose(events, Duration.ofHours(1), 0.01, 42);

        List<Integer> late = late(injection, events);
        assertThat(late).hasSize(1_000);
        assertThat(injection.count()).isEqualTo(1_000);
        long start = 1_000_000_000_000L;
        for (int i : late) {
            long nominal = start + LateInjection.nominalOffset(i, events, HOUR);
            assertThat(injection.eventTime(i, nominal)).isEqualTo(nominal - OFFSET);
            // at least OFFSET after the backlog's start: the late time is not before it
            assertThat(injection.eventTime(i, nominal)).isGreaterThanOrEqualTo(start);
        }
        // the others keep their nominal time
        int inOrder = IntStream.range(0, events).filter(i -> !injection.isLate(i)).findFirst().orElseThrow();
        assertThat(injection.eventTime(inOrder, start + 7)).isEqualTo(start + 7);
        // spread over the eligible tail (the last 10 of 60 minutes), not bunched at its start
        int first = LateInjection.firstEligible(events, HOUR, OFFSET);
        assertThat(first).isEqualTo(83_334);
        assertThat(late.get(0)).isGreaterThanOrEqualTo(first);
        assertThat(late.stream().filter(i -> i >= first + (events - first) / 2).count()).isBetween(400L, 600L);
    }

    @Test
    void isDeterministicBySeed() {
        int events = 20_000;
        List<Integer> a = late(LateInjection.choose(events, Duration.ofHours(1), 0.05, 7), events);
        List<Integer> b = late(LateInjection.choose(events, Duration.ofHours(1), 0.05, 7), events);
        List<Integer> c = late(LateInjection.choose(events, Duration.ofHours(1), 0.05, 8), events);

        assertThat(a).hasSize(1_000).isEqualTo(b).isNotEqualTo(c);
    }

    @Test
    void noShareIsTheInOrderBacklog() {
        LateInjection none = LateInjection.choose(1_000, Duration.ofHours(1), 0, 1);

        assertThat(none.count()).isZero();
        assertThat(late(none, 1_000)).isEmpty();
        assertThat(none.eventTime(999, 123)).isEqualTo(123);
    }

    @Test
    void refusesMoreLateEventsThanTheTailHolds() {
        assertThat(LateInjection.maxShare(Duration.ofHours(1))).isCloseTo(1 / 6.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(LateInjection.maxShare(Duration.ofMinutes(30))).isZero();
        // the last sixth of the backlog can all be late, no more
        assertThat(late(LateInjection.choose(6_000, Duration.ofHours(1), 1 / 6.0, 3), 6_000))
                .isEqualTo(new ArrayList<>(IntStream.range(5_000, 6_000).boxed().toList()));
        assertThatThrownBy(() -> LateInjection.choose(6_000, Duration.ofHours(1), 0.2, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--backlog-span");
    }
}
