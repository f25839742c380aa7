package dev.streamworks.clickstream.domain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One user's sessions (docs/semantics.md section 4), as a pure rule over event time:
 * <ul>
 *   <li>a click at {@code t} read at {@code rwm} is late when {@code t + gap + grace <= rwm}, or when it
 *       would join a session {@code S} with {@code S.last + gap + grace <= rwm} (that session may
 *       already be closed and emitted), or a session already closed;</li>
 *   <li>otherwise it joins every session with {@code S.start - gap <= t <= S.last + gap}, merging
 *       them, or starts one;</li>
 *   <li>a session closes when the watermark reaches {@code S.last + gap + grace}; a closed session
 *       is kept until no click that is not late could join it ({@code S.last + 2 gap + grace}) and as
 *       long as it is to stay queryable ({@code S.last + gap + retention}).</li>
 * </ul>
 *
 * @param sessions the user's sessions, by start, open and closed
 */
public record Sessions(List<Session> sessions) {

    /**
     * One session: {@code start} = first event time, {@code last} = last event time.
     *
     * @param closed whether the watermark closed it (emitted in final mode)
     */
    public record Session(long start, long last, SessionFigures figures, boolean closed) {

        public Session closedNow() {
            return new Session(start, last, figures, true);
        }
    }

    /** The session rule's parameters. */
    public record Rule(long gapMs, long graceMs, long retentionMs) {

        long closesAt(Session session) {
            return session.last() + gapMs + graceMs;
        }

        long forgottenAt(Session session) {
            return Math.max(session.last() + 2 * gapMs + graceMs, session.last() + gapMs + retentionMs);
        }
    }

    /** What a click did: {@code late} (with the end of its own session window), or the session it is in now. */
    public record Added(Sessions sessions, Session session, boolean late, long windowEndMs) {
    }

    /** What the watermark did: the sessions after it, and those it closed. */
    public record Closed(Sessions sessions, List<Session> closed) {
    }

    public Sessions {
        sessions = List.copyOf(sessions);
    }

    public static Sessions none() {
        return new Sessions(List.of());
    }

    /**
     * @param rwm       the click's read watermark
     * @param watermark the watermark now: only after an idle input partition came back can it be
     *                  ahead of a click's read watermark, and then a click whose own window it closed
     *                  is late too (docs/semantics.md section 1, "the one exception")
     */
    public Added add(long t, SessionFigures figures, long rwm, long watermark, Rule rule) {
        long ownEnd = t + rule.gapMs();
        if (ownEnd + rule.graceMs() <= Math.max(rwm, watermark)) {
            return new Added(this, null, true, ownEnd);
        }
        long start = t;
        long last = t;
        SessionFigures merged = figures;
        List<Session> kept = new ArrayList<>(sessions.size() + 1);
        for (Session session : sessions) {
            boolean joins = session.start() - rule.gapMs() <= t && t <= session.last() + rule.gapMs();
            if (!joins) {
                kept.add(session);
                continue;
            }
            // closed by the watermark (only after an idle input partition came back can it be
            // closed while the click is not late by its own read watermark): never reopened
            if (session.closed() || rule.closesAt(session) <= rwm) {
                return new Added(this, null, true, ownEnd);
            }
            start = Math.min(start, session.start());
            last = Math.max(last, session.last());
            merged = merged.merge(session.figures());
        }
        Session joined = new Session(start, last, merged, false);
        kept.add(joined);
        kept.sort((a, b) -> Long.compare(a.start(), b.start()));
        return new Added(new Sessions(kept), joined, false, ownEnd);
    }

    /** Closes the sessions the watermark {@code wm} reached, forgets those no longer needed. */
    public Closed close(long wm, Rule rule) {
        if (wm == Long.MIN_VALUE) {
            return new Closed(this, List.of());
        }
        List<Session> closed = new ArrayList<>();
        List<Session> kept = new ArrayList<>(sessions.size());
        for (Session session : sessions) {
            Session now = session;
            if (!session.closed() && rule.closesAt(session) <= wm) {
                now = session.closedNow();
                closed.add(now);
            }
            if (!(now.closed() && rule.forgottenAt(now) <= wm)) {
                kept.add(now);
            }
        }
        return closed.isEmpty() && kept.size() == sessions.size() ? new Closed(this, List.of())
                : new Closed(new Sessions(kept), Collections.unmodifiableList(closed));
    }

    /** When the watermark next changes something here (closes or forgets a session); MAX_VALUE: never. */
    public long nextDue(Rule rule) {
        long due = Long.MAX_VALUE;
        for (Session session : sessions) {
            due = Math.min(due, session.closed() ? rule.forgottenAt(session) : rule.closesAt(session));
        }
        return due;
    }

    public boolean isEmpty() {
        return sessions.isEmpty();
    }
}
