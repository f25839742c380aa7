package dev.streamworks.clickstream.processor;

import dev.streamworks.clickstream.ClickstreamProperties;
import dev.streamworks.clickstream.domain.SessionFigures;
import dev.streamworks.clickstream.domain.Sessions;
import dev.streamworks.clickstream.domain.UserSession;
import dev.streamworks.common.event.Click;
import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.serde.Parsed;
import dev.streamworks.common.streams.LateRecords;
import dev.streamworks.common.streams.Window;
import dev.streamworks.common.time.Clock;
import dev.streamworks.common.time.EventTime;
import dev.streamworks.common.time.Stamp;
import dev.streamworks.common.time.TimeIndex;
import dev.streamworks.common.time.Watermark;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * {@code user-sessions}: per user, sessions of clicks, by the pure rule of {@link Sessions}
 * (docs/semantics.md section 4), on event time across the repartition: a click's lateness by its
 * read watermark, closing and forgetting by the task's watermark.
 * <ul>
 *   <li>Each user's sessions are one value in a key-value store (open ones, and closed ones while a
 *       click could still try to join them or while they are queryable); an index orders users by the
 *       time the watermark next closes or forgets one of their sessions, so closing visits only the
 *       users due.</li>
 *   <li>{@code final} (default): one record per session, when the watermark closes it.
 *       {@code update}: the merged session after every click (a session merged into another is not
 *       retracted; the merged one has the earlier start).</li>
 * </ul>
 */
public final class SessionProcessor implements Processor<String, UserEvent, String, Object> {

    public static final String SESSIONS_STORE = "sessions-by-user-store";
    public static final String DUE_STORE = "sessions-due-store";
    public static final String SINK = "user-sessions-sink";
    public static final String LATE_SINK = "user-sessions-late-sink";

    private final ClickstreamProperties props;
    private final StreamworksMetrics metrics;
    private final EventTime eventTime;
    private final Clock clock;
    private final Sessions.Rule rule;
    private Watermark watermark;
    private final boolean finalMode;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, Sessions> sessions;
    private TimeIndex due;

    SessionProcessor(ClickstreamProperties props, StreamworksMetrics metrics, EventTime eventTime, Clock clock) {
        this.props = props;
        this.metrics = metrics;
        this.eventTime = eventTime;
        this.clock = clock;
        ClickstreamProperties.UserSessions spec = props.userSessions();
        this.rule = new Sessions.Rule(spec.gap().toMillis(), spec.grace().toMillis(), props.retention().toMillis());
        this.finalMode = spec.emit() == ClickstreamProperties.Emit.FINAL;
    }

    public static ProcessorSupplier<String, UserEvent, String, Object> supplier(ClickstreamProperties props,
                                                                                StreamworksMetrics metrics,
                                                                                EventTime eventTime,
                                                                                Clock clock) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, UserEvent, String, Object> get() {
                return new SessionProcessor(props, metrics, eventTime, clock);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                // not cached: per user, a key rarely changes twice in a commit interval, and a
                // record cache would crowd out the aggregates, whose updates it coalesces
                return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SESSIONS_STORE),
                        Serdes.String(), new SessionsSerde()), TimeIndex.storeBuilder(DUE_STORE));
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.sessions = context.getStateStore(SESSIONS_STORE);
        this.due = new TimeIndex(context.getStateStore(DUE_STORE));
        this.watermark = eventTime.watermark(context, clock);
        context.schedule(eventTime.settings().closeCheck(), PunctuationType.WALL_CLOCK_TIME,
                now -> advance(watermark.get()));
    }

    @Override
    public void process(Record<String, UserEvent> record) {
        if (!(record.value() instanceof UserEvent.ClickEvent event)) {
            return;
        }
        long watermark = this.watermark.get();
        advance(watermark);
        Click click = event.click();
        String user = click.userId();
        Sessions before = current(user);
        // the user's own due sessions first: a click never joins a session the watermark closed
        Sessions.Closed closed = before.close(watermark, rule);
        emit(user, closed.closed());
        long rwm = Stamp.rwmOf(record.headers(), record.timestamp());
        Sessions.Added added = closed.sessions().add(click.eventTime().toEpochMilli(),
                SessionFigures.of(click.eventType() == Click.EventType.PURCHASE, click.revenue()), rwm, watermark, rule);
        if (added.late()) {
            String output = props.topics().userSessions();
            context.forward(LateRecords.forOutput(record.withValue((Parsed<?>) event.parsed()), output,
                    added.windowEndMs(), rwm), LATE_SINK);
            metrics.late(output);
        } else if (!finalMode) {
            forward(user, added.session());
        }
        save(user, before, added.sessions());
    }

    /** Closes the sessions of every user the watermark made due. */
    private void advance(long watermark) {
        if (!due.anyDue(watermark)) {
            return;
        }
        for (TimeIndex.Due entry : due.takeDue(watermark)) {
            String user = new String(entry.id(), StandardCharsets.UTF_8);
            Sessions before = current(user);
            Sessions.Closed closed = before.close(watermark, rule);
            emit(user, closed.closed());
            // the index entry was taken: re-index from scratch
            save(user, null, closed.sessions());
        }
    }

    private Sessions current(String user) {
        Sessions stored = sessions.get(user);
        return stored == null ? Sessions.none() : stored;
    }

    private void save(String user, Sessions before, Sessions after) {
        if (after.isEmpty()) {
            sessions.delete(user);
        } else if (after != before) {
            sessions.put(user, after);
        }
        long was = before == null ? Long.MAX_VALUE : before.nextDue(rule);
        long now = after.nextDue(rule);
        if (was != now) {
            byte[] id = user.getBytes(StandardCharsets.UTF_8);
            if (was != Long.MAX_VALUE) {
                due.delete(was, id);
            }
            if (now != Long.MAX_VALUE) {
                due.put(now, id);
            }
        }
    }

    private void emit(String user, List<Sessions.Session> closed) {
        if (finalMode) {
            closed.forEach(session -> forward(user, session));
        }
    }

    private void forward(String user, Sessions.Session session) {
        UserSession output = toOutput(user, session, rule.gapMs());
        context.forward(new Record<>(user, output, output.session().endMs()), SINK);
    }

    /** The {@code user-sessions} record of a session: its end is the last event plus the gap. */
    public static UserSession toOutput(String user, Sessions.Session session, long gapMs) {
        return new UserSession(user, Window.ofMillis(session.start(), session.last() + gapMs),
                session.figures().events(), session.figures().purchases(), session.figures().revenue());
    }
}
