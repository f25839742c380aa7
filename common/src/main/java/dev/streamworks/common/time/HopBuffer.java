package dev.streamworks.common.time;

import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.internals.ProcessorContextImpl;
import org.apache.kafka.streams.processor.internals.ProcessorStateManager;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

import java.util.Map;

/**
 * Not a store of data but the hook by which a {@link Sender} hears of a commit: Kafka Streams
 * calls {@link #flushCache} on every store of a task that is a {@link CachedStateStore} in
 * {@code StreamTask#prepareCommit} (through {@code ProcessorStateManager#flushCache}), before it
 * flushes the producer and commits the offsets and, under exactly-once, the transaction; the
 * sender then forwards the batches it holds, so nothing it was given stays behind a commit. Every
 * commit goes there first, also the one before a task is suspended (a rebalance), closed cleanly
 * (a shutdown) or its state is checkpointed; a dirty close commits nothing (under exactly-once the
 * transaction aborts) and the sender forgets its batches when it is initialized again.
 * <p>
 * Before its own batches, it flushes the task's other caches: a cached store's flush may forward
 * records that reach the sender (an aggregation whose updates go through a relay stage), and the
 * order in which Kafka Streams flushes a task's stores is not one to rely on.
 * <p>
 * Kafka internals (not public API), checked against Kafka Streams 4.4.0: {@link CachedStateStore},
 * and the store context being {@link ProcessorContextImpl}, whose {@link ProcessorStateManager}
 * flushes the task's caches. The store is built as it is, without the metered, caching or logging
 * layers ({@link Builder}): nothing is logged, nothing restored.
 */
final class HopBuffer implements StateStore, CachedStateStore<Object, Object> {

    private final String name;
    private boolean open;
    private boolean flushing;
    private ProcessorStateManager stateManager;
    private Runnable onFlush;

    HopBuffer(String name) {
        this.name = name;
    }

    /** What to run at each commit (the sender's flush of its batches). */
    void onFlush(Runnable onFlush) {
        this.onFlush = onFlush;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        stateManager = context instanceof ProcessorContextImpl impl ? impl.stateManager() : null;
        context.register(root, (key, value) -> {
        });
        open = true;
    }

    @Override
    public void flushCache() {
        if (flushing) {
            return;
        }
        flushing = true;
        try {
            if (stateManager != null) {
                stateManager.flushCache();
            }
            if (onFlush != null) {
                onFlush.run();
            }
        } finally {
            flushing = false;
        }
    }

    @Override
    public void clearCache() {
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<Object, Object> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public void close() {
        open = false;
        onFlush = null;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Builds the buffer as it is: never logged, never cached, never wrapped. */
    static final class Builder implements StoreBuilder<HopBuffer> {

        private final String name;

        Builder(String name) {
            this.name = name;
        }

        @Override
        public StoreBuilder<HopBuffer> withCachingEnabled() {
            return this;
        }

        @Override
        public StoreBuilder<HopBuffer> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<HopBuffer> withLoggingEnabled(Map<String, String> config) {
            return this;
        }

        @Override
        public StoreBuilder<HopBuffer> withLoggingDisabled() {
            return this;
        }

        @Override
        public HopBuffer build() {
            return new HopBuffer(name);
        }

        @Override
        public Map<String, String> logConfig() {
            return Map.of();
        }

        @Override
        public boolean loggingEnabled() {
            return false;
        }

        @Override
        public String name() {
            return name;
        }
    }
}
