package dev.streamworks.clickstream.domain;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.streamworks.common.testing.TestTimes.minutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The session rule of docs/semantics.md section 4, as {@link Sessions} states it: gap 30 min, grace
 * 10 min, retention 2 h, every bound inclusive.
 */
class SessionsTest {

    private static final long GAP = 30 * 60_000L;
    private static final long GRACE = 10 * 60_000L;
    private static final Sessions.Rule RULE = new Sessions.Rule(GAP, GRACE, 2 * 60 * 60_000L);
    private static final SessionFigures VIEW = SessionFigures.of(false, null);
    private static final SessionFigures PURCHASE = SessionFigures.of(true, 12.5);

    private static long at(long minutes) {
        return minutes(minutes).toEpochMilli();
    }

    /** A click read when its channel's stream time was its own time (in order). */
    private static Sessions click(Sessions sessions, long t) {
        Sessions.Added added = sessions.add(t, VIEW, t, Long.MIN_VALUE, RULE);
        assertThat(added.late()).as("an in-order click at %d is not late", t).isFalse();
        return added.sessions();
    }

    @Test
    void aClickJoinsASessionUpToTheGapInclusiveOnEitherSide() {
        Sessions one = click(Sessions.none(), at(60));

        Sessions after = one.add(at(90), VIEW, at(90), Long.MIN_VALUE, RULE).sessions();
        assertThat(after.sessions()).extracting(Sessions.Session::start, Sessions.Session::last)
                .containsExactly(tuple(at(60), at(90)));
        Sessions before = one.add(at(30), VIEW, at(60), Long.MIN_VALUE, RULE).sessions();
        assertThat(before.sessions()).extracting(Sessions.Session::start, Sessions.Session::last)
                .containsExactly(tuple(at(30), at(60)));

        assertThat(one.add(at(90) + 1, VIEW, at(90) + 1, Long.MIN_VALUE, RULE).sessions().sessions())
                .as("one millisecond past the gap starts a session").hasSize(2);
        assertThat(one.add(at(30) - 1, VIEW, at(60), Long.MIN_VALUE, RULE).sessions().sessions())
                .as("one millisecond before the gap starts a session").hasSize(2);
    }

    @Test
    void aClickBridgingTwoSessionsMergesThemWithTheirFigures() {
        Sessions two = click(click(Sessions.none(), at(0)), at(35));
        assertThat(two.sessions()).hasSize(2);

        Sessions.Added bridge = two.add(at(17), PURCHASE, at(35), Long.MIN_VALUE, RULE);

        assertThat(bridge.late()).isFalse();
        assertThat(bridge.sessions().sessions()).containsExactly(bridge.session());
        assertThat(bridge.session().start()).isEqualTo(at(0));
        assertThat(bridge.session().last()).isEqualTo(at(35));
        assertThat(bridge.session().figures()).isEqualTo(new SessionFigures(3, 1, 12.5));
        assertThat(bridge.session().closed()).isFalse();
    }

    @Test
    void aClickIsLateByItsOwnSessionWindowAtGapPlusGraceBehindItsReadWatermark() {
        Sessions none = Sessions.none();

        Sessions.Added late = none.add(at(0), VIEW, at(0) + GAP + GRACE, Long.MIN_VALUE, RULE);
        assertThat(late.late()).isTrue();
        assertThat(late.windowEndMs()).as("x-window-end: its own time + gap").isEqualTo(at(0) + GAP);
        assertThat(late.sessions()).as("a late click changes nothing").isSameAs(none);

        assertThat(none.add(at(0), VIEW, at(0) + GAP + GRACE - 1, Long.MIN_VALUE, RULE).late()).isFalse();
    }

    @Test
    void aClickIsLateWhenTheSessionItWouldJoinIsDueToCloseByItsReadWatermark() {
        Sessions one = click(Sessions.none(), at(0));

        // on time by its own window (20 + 40 > 40), but the session it joins closes at 0 + 40
        Sessions.Added late = one.add(at(20), VIEW, at(40), Long.MIN_VALUE, RULE);
        assertThat(late.late()).isTrue();
        assertThat(late.windowEndMs()).isEqualTo(at(20) + GAP);
        assertThat(late.sessions()).isSameAs(one);

        Sessions.Added joins = one.add(at(20), VIEW, at(40) - 1, Long.MIN_VALUE, RULE);
        assertThat(joins.late()).isFalse();
        assertThat(joins.sessions().sessions()).extracting(Sessions.Session::start, Sessions.Session::last)
                .containsExactly(tuple(at(0), at(20)));
    }

    @Test
    void aClickWhoseOwnWindowTheWatermarkClosedIsLateEvenWhenItsReadWatermarkIsBehind() {
        // only after an idle input partition came back: the watermark moved on without it
        Sessions one = click(Sessions.none(), at(0));
        long watermark = at(20) + GAP + GRACE;

        Sessions.Added late = one.add(at(20), VIEW, at(20), watermark, RULE);
        assertThat(late.late()).isTrue();
        assertThat(late.sessions()).isSameAs(one);
        // a ms earlier its own window is open, but the session it would join was closed (and emitted)
        Sessions closed = one.close(watermark - 1, RULE).sessions();
        assertThat(closed.add(at(20), VIEW, at(20), watermark - 1, RULE).late()).isTrue();
        assertThat(Sessions.none().add(at(20), VIEW, at(20), watermark - 1, RULE).late()).isFalse();
    }

    @Test
    void theWatermarkClosesASessionAtLastPlusGapPlusGraceOnceAndForgetsItAfterRetention() {
        Sessions open = click(click(Sessions.none(), at(0)), at(10));
        long closesAt = at(10) + GAP + GRACE;
        long forgottenAt = at(10) + GAP + 2 * 60 * 60_000L; // later than last + 2 gap + grace
        assertThat(open.close(Long.MIN_VALUE, RULE).closed()).as("unknown watermark").isEmpty();
        assertThat(open.nextDue(RULE)).isEqualTo(closesAt);
        assertThat(open.close(closesAt - 1, RULE).closed()).isEmpty();

        Sessions.Closed closed = open.close(closesAt, RULE);
        assertThat(closed.closed()).extracting(Sessions.Session::start, Sessions.Session::last, Sessions.Session::closed)
                .containsExactly(tuple(at(0), at(10), true));
        assertThat(closed.sessions().sessions()).as("kept while a click could still try to join it").hasSize(1);
        assertThat(closed.sessions().nextDue(RULE)).isEqualTo(forgottenAt);
        assertThat(closed.sessions().close(forgottenAt - 1, RULE).closed()).as("closed once").isEmpty();
        assertThat(closed.sessions().close(forgottenAt - 1, RULE).sessions().isEmpty()).isFalse();

        Sessions.Closed forgotten = closed.sessions().close(forgottenAt, RULE);
        assertThat(forgotten.closed()).isEmpty();
        assertThat(forgotten.sessions().isEmpty()).isTrue();
        assertThat(forgotten.sessions().nextDue(RULE)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aClosedSessionIsForgottenNoEarlierThanTwoGapsPlusGraceAfterItsLastClick() {
        Sessions.Rule shortRetention = new Sessions.Rule(GAP, GRACE, GAP + GRACE);
        Sessions closed = click(Sessions.none(), at(0)).close(at(40), shortRetention).sessions();

        assertThat(closed.nextDue(shortRetention)).isEqualTo(at(0) + 2 * GAP + GRACE);
        assertThat(closed.close(at(0) + 2 * GAP + GRACE - 1, shortRetention).sessions().sessions()).hasSize(1);
        assertThat(closed.close(at(0) + 2 * GAP + GRACE, shortRetention).sessions().isEmpty()).isTrue();
    }

    @Test
    void aSessionStartedBeforeAnotherComesFirst() {
        Sessions later = click(Sessions.none(), at(200));

        // minutes out of order, not late (165 + 40 > 200), more than the gap before the other session
        Sessions.Added earlier = later.add(at(165), VIEW, at(200), Long.MIN_VALUE, RULE);

        assertThat(earlier.late()).isFalse();
        assertThat(earlier.sessions().sessions()).extracting(Sessions.Session::start)
                .containsExactlyElementsOf(List.of(at(165), at(200)));
    }
}
