package dev.streamworks.clickstream.processor;

import dev.streamworks.clickstream.ClickstreamProperties.Emit;
import dev.streamworks.clickstream.ClickstreamProperties.WindowSpec;
import dev.streamworks.common.streams.Window;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

import java.util.function.BiConsumer;

/**
 * Epoch-aligned tumbling or hopping windows of event time, and the emission of closed windows in
 * {@code final} mode: each window exactly once, when stream time closes it (window end + grace
 * <= stream time). The start of the last window emitted is kept in a logged store, so a restart
 * neither repeats nor skips a window.
 */
final class WindowSlots {

    private final long sizeMs;
    private final long advanceMs;
    private final long graceMs;
    private final Emit emit;

    WindowSlots(WindowSpec spec) {
        this.sizeMs = spec.size().toMillis();
        this.advanceMs = spec.advance().toMillis();
        this.graceMs = spec.grace().toMillis();
        this.emit = spec.emit();
    }

    long sizeMs() {
        return sizeMs;
    }

    boolean isFinal() {
        return emit == Emit.FINAL;
    }

    /** Starts of the windows holding {@code timestampMs}, oldest first. */
    long[] startsOf(long timestampMs) {
        long last = timestampMs - Math.floorMod(timestampMs, advanceMs);
        int n = 0;
        for (long start = last; start > timestampMs - sizeMs; start -= advanceMs) {
            n++;
        }
        long[] starts = new long[n];
        for (int i = 0; i < n; i++) {
            starts[i] = last - (long) (n - 1 - i) * advanceMs;
        }
        return starts;
    }

    Window window(long startMs) {
        return Window.ofMillis(startMs, startMs + sizeMs);
    }

    boolean isClosed(long startMs, long streamTimeMs) {
        return startMs + sizeMs + graceMs <= streamTimeMs;
    }

    /**
     * Emits every window closed since the last call that emitted. The store is
     * scanned at most once per advance of stream time, not per record.
     */
    <V> void emitClosed(long streamTimeMs, WindowStore<String, V> windows, KeyValueStore<String, Long> emitted,
                        String emittedKey, BiConsumer<Windowed<String>, V> emitter) {
        long lastClosedStart = Math.floorDiv(streamTimeMs - graceMs - sizeMs, advanceMs) * advanceMs;
        Long done = emitted.get(emittedKey);
        if (done != null && lastClosedStart <= done) {
            return;
        }
        // without a mark, everything still retained and closed is emitted once
        long from = done == null ? 0 : done + 1;
        if (lastClosedStart >= from) {
            try (KeyValueIterator<Windowed<String>, V> closed = windows.fetchAll(from, lastClosedStart)) {
                while (closed.hasNext()) {
                    KeyValue<Windowed<String>, V> entry = closed.next();
                    emitter.accept(entry.key, entry.value);
                }
            }
        }
        emitted.put(emittedKey, lastClosedStart);
    }
}
