package dev.streamworks.clickstream.processor;

import dev.streamworks.clickstream.ClickstreamProperties;
import dev.streamworks.clickstream.domain.SessionFigures;
import dev.streamworks.clickstream.domain.UserSession;
import dev.streamworks.common.event.Click;
import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.serde.JsonSerde;
import dev.streamworks.common.serde.Parsed;
import dev.streamworks.common.streams.Window;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.internals.SessionWindow;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.SessionStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code user-sessions}: per user, sessions of clicks separated by at least the inactivity gap,
 * in a RocksDB session store (a session is stored as [first event, last event]; its output
 * {@code end} is last event + gap).
 * <ul>
 *   <li>A click within the gap of one or more open sessions merges them (and itself) into one.</li>
 *   <li>A session closes when its end + grace is at or before the stream time; a closed session
 *       is never reopened. A click whose session (after merging with the open ones) would already
 *       be closed is late: not counted, routed to the late topic once.</li>
 *   <li>{@code final} (default): one record per session, when it closes. Closing is found through
 *       an index of open sessions ordered by closing time (a key-value store scanned from its
 *       beginning up to the stream time), so emission does not scan every session.
 *       {@code update}: the merged session after every click (a session merged into another is
 *       not retracted; the merged one has the earlier start).</li>
 * </ul>
 */
public final class SessionProcessor implements Processor<String, UserEvent, String, Object> {

    public static final String SESSIONS_STORE = "user-sessions-store";
    public static final String CLOSING_STORE = "user-sessions-closing-store";
    public static final String SINK = "user-sessions-sink";
    public static final String LATE_SINK = "user-sessions-late-sink";

    private final ClickstreamProperties props;
    private final StreamworksMetrics metrics;
    private final long gapMs;
    private final long graceMs;
    private final boolean finalMode;
    private ProcessorContext<String, Object> context;
    private SessionStore<String, SessionFigures> sessions;
    private KeyValueStore<String, UserSession> closing;

    SessionProcessor(ClickstreamProperties props, StreamworksMetrics metrics) {
        this.props = props;
        this.metrics = metrics;
        this.gapMs = props.userSessions().gap().toMillis();
        this.graceMs = props.userSessions().grace().toMillis();
        this.finalMode = props.userSessions().emit() == ClickstreamProperties.Emit.FINAL;
    }

    public static ProcessorSupplier<String, UserEvent, String, Object> supplier(ClickstreamProperties props,
                                                                                StreamworksMetrics metrics) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, UserEvent, String, Object> get() {
                return new SessionProcessor(props, metrics);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(
                        Stores.sessionStoreBuilder(Stores.persistentSessionStore(SESSIONS_STORE, props.retention()),
                                Serdes.String(), JsonSerde.of(SessionFigures.class)),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CLOSING_STORE), Serdes.String(),
                                JsonSerde.of(UserSession.class)));
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.sessions = context.getStateStore(SESSIONS_STORE);
        this.closing = context.getStateStore(CLOSING_STORE);
    }

    @Override
    public void process(Record<String, UserEvent> record) {
        if (!(record.value() instanceof UserEvent.ClickEvent event)) {
            return;
        }
        Click click = event.click();
        String user = click.userId();
        long eventTime = click.eventTime().toEpochMilli();
        long streamTime = context.currentStreamTimeMs();
        if (finalMode) {
            emitClosed(streamTime);
        }

        long start = eventTime;
        long end = eventTime;
        SessionFigures figures = SessionFigures.of(click.eventType() == Click.EventType.PURCHASE, click.revenue());
        List<Windowed<String>> merged = new ArrayList<>();
        try (KeyValueIterator<Windowed<String>, SessionFigures> near =
                     sessions.findSessions(user, eventTime - gapMs, eventTime + gapMs)) {
            while (near.hasNext()) {
                KeyValue<Windowed<String>, SessionFigures> session = near.next();
                if (isClosed(session.key.window().end(), streamTime)) {
                    continue;
                }
                merged.add(session.key);
                start = Math.min(start, session.key.window().start());
                end = Math.max(end, session.key.window().end());
                figures = figures.merge(session.value);
            }
        }
        if (isClosed(end, streamTime)) {
            LateRouting.route(context, record.withValue((Parsed<?>) event.parsed()), props.topics().userSessions(),
                    end + gapMs, streamTime, LATE_SINK, metrics);
        } else {
            for (Windowed<String> old : merged) {
                sessions.remove(old);
                closing.delete(closingKey(old.key(), old.window().start(), old.window().end()));
            }
            sessions.put(new Windowed<>(user, new SessionWindow(start, end)), figures);
            UserSession session = toOutput(user, start, end, figures);
            if (finalMode) {
                closing.put(closingKey(user, start, end), session);
            } else {
                forward(session);
            }
        }
    }

    private boolean isClosed(long lastEventMs, long streamTimeMs) {
        return lastEventMs + gapMs + graceMs <= streamTimeMs;
    }

    /**
     * Emits, once, every session the stream time has closed, in order of closing. The index holds
     * the finished output itself, so a session is emitted even when a jump of stream time has
     * already expired it from the session store.
     */
    private void emitClosed(long streamTime) {
        List<String> done = new ArrayList<>();
        // keys sort by closing time (zero-padded), so the closed ones are a prefix of the index
        try (KeyValueIterator<String, UserSession> closed = closing.range(pad(0), pad(streamTime) + "|~")) {
            while (closed.hasNext()) {
                KeyValue<String, UserSession> entry = closed.next();
                if (Long.parseLong(entry.key.substring(0, 19)) > streamTime) {
                    break;
                }
                forward(entry.value);
                done.add(entry.key);
            }
        }
        done.forEach(closing::delete);
    }

    private String closingKey(String user, long start, long end) {
        return pad(end + gapMs + graceMs) + "|" + pad(start) + "|" + user;
    }

    private static String pad(long millis) {
        return String.format(Locale.ROOT, "%019d", Math.max(0, millis));
    }

    private UserSession toOutput(String user, long start, long end, SessionFigures figures) {
        return new UserSession(user, Window.ofMillis(start, end + gapMs), figures.events(), figures.purchases(),
                figures.revenue());
    }

    private void forward(UserSession session) {
        context.forward(new Record<>(session.userId(), session, session.session().endMs()), SINK);
    }
}
