package dev.streamworks.clickstream.processor;

import dev.streamworks.clickstream.domain.SessionFigures;
import dev.streamworks.clickstream.domain.Sessions;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Binary form of one user's {@link Sessions}: a version byte, the count, then per session 41 bytes. */
public final class SessionsSerde implements Serde<Sessions> {

    private static final byte VERSION = 1;
    private static final int PER_SESSION = 4 * Long.BYTES + Double.BYTES + 1;

    @Override
    public Serializer<Sessions> serializer() {
        return (topic, sessions) -> {
            if (sessions == null) {
                return null;
            }
            ByteBuffer out = ByteBuffer.allocate(1 + Integer.BYTES + PER_SESSION * sessions.sessions().size())
                    .put(VERSION).putInt(sessions.sessions().size());
            for (Sessions.Session session : sessions.sessions()) {
                out.putLong(session.start()).putLong(session.last()).putLong(session.figures().events())
                        .putLong(session.figures().purchases()).putDouble(session.figures().revenue())
                        .put((byte) (session.closed() ? 1 : 0));
            }
            return out.array();
        };
    }

    @Override
    public Deserializer<Sessions> deserializer() {
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            if (data.length < 5 || data[0] != VERSION) {
                throw new SerializationException("not a user's sessions (version " + VERSION + "): " + data.length
                        + " bytes");
            }
            try {
                ByteBuffer in = ByteBuffer.wrap(data, 1, data.length - 1);
                int n = in.getInt();
                List<Sessions.Session> sessions = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    long start = in.getLong();
                    long last = in.getLong();
                    SessionFigures figures = new SessionFigures(in.getLong(), in.getLong(), in.getDouble());
                    sessions.add(new Sessions.Session(start, last, figures, in.get() == 1));
                }
                return new Sessions(sessions);
            } catch (BufferUnderflowException e) {
                throw new SerializationException("truncated sessions of " + data.length + " bytes", e);
            }
        };
    }
}
