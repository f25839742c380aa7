package dev.streamworks.common.streams;

import org.apache.kafka.streams.kstream.internals.Change;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * Forwards the changes of a processor's key-value store the way Kafka's DSL forwards a cached
 * KTable aggregation's: when the store's record cache flushes, one record per key changed since
 * the last flush, for its latest value. The cache flushes at every commit
 * ({@code commit.interval.ms}) and when it evicts an entry to make room
 * ({@code statestore.cache.max.bytes}), so a key changed n times between two commits is
 * forwarded once (Spark's update mode emits once per micro-batch in the same way). Without a
 * cache (a store built without caching, or a context that is not Kafka Streams' own, as a
 * {@code MockProcessorContext}) every change is forwarded at once, so the outputs are right
 * either way: the last record of each key carries its latest value.
 *
 * <p>A deletion forwards nothing. A change not yet forwarded is lost when its key is deleted
 * before the next flush, so a caller that deletes keys whose latest change may still be in the
 * cache calls {@link #flush} first.
 *
 * <p><b>Exactly-once and crashes.</b> Kafka Streams flushes the caches inside the commit
 * ({@code StreamTask#prepareCommit}), before the producer is flushed and before the offsets and,
 * under exactly-once, the transaction are committed. An entry flushed to the store writes its
 * changelog record and this class forwards its output record in the same call, in the same
 * transaction; an eviction or {@link #flush} does both in the middle of processing, still inside
 * the open transaction. So a change and its output commit together: a crash before the commit
 * aborts both, the task resumes from its last committed state (changelog, or the local store
 * itself with KIP-892's transactional stores) and offsets, processes the same records again and
 * forwards their changes at a later flush. Under at-least-once the flush still precedes the
 * offset commit: after a crash a change may be forwarded twice, never lost.
 *
 * <p><b>Kafka internals.</b> The hook is the one Kafka's own {@code TimestampedCacheFlushListener}
 * uses, which is not public API: {@link CachedStateStore#setFlushListener} on the store the
 * context returns (a {@code WrappedStateStore}), {@link Change}, and
 * {@link InternalProcessorContext#setCurrentNode}: a flush at commit runs outside any processor,
 * and forwarding needs this processor as the current node, so it is captured in {@link #attach}
 * (called from {@code init}, where Kafka Streams has set it) and set around each forward. Checked
 * against Kafka Streams 4.4.0; a change there shows as the fallback (every change forwarded) or
 * as a failing test of this class.
 *
 * @param <K>    the store's key
 * @param <V>    the store's value
 * @param <KOut> the key of the forwarded records
 * @param <VOut> the value of the forwarded records
 */
public final class UpdateForwarder<K, V, KOut, VOut> {

    /** The record to forward for a key's latest value, or null to forward nothing. */
    @FunctionalInterface
    public interface Output<K, V, KOut, VOut> {
        /**
         * @param timestamp the timestamp of the record whose processing made the change (with a
         *                  cache, the last change before the flush)
         * @return a record built here, with its own headers: never the input's, which carry the
         * service's internal headers
         */
        Record<KOut, VOut> apply(K key, V value, long timestamp);
    }

    private final ProcessorContext<KOut, VOut> context;
    private final String sink;
    private final Output<K, V, KOut, VOut> output;
    /** Null when every change is forwarded at once. */
    private final CachedStateStore<?, ?> cache;
    private final InternalProcessorContext<KOut, VOut> internal;
    private final ProcessorNode<?, ?, ?, ?> node;

    private UpdateForwarder(ProcessorContext<KOut, VOut> context, String sink, Output<K, V, KOut, VOut> output,
                            CachedStateStore<?, ?> cache, InternalProcessorContext<KOut, VOut> internal,
                            ProcessorNode<?, ?, ?, ?> node) {
        this.context = context;
        this.sink = sink;
        this.output = output;
        this.cache = cache;
        this.internal = internal;
        this.node = node;
    }

    /**
     * The forwarder of {@code store}'s changes to the child {@code sink}; to be called from the
     * processor's {@code init}, with the store the context returned.
     */
    public static <K, V, KOut, VOut> UpdateForwarder<K, V, KOut, VOut> attach(ProcessorContext<KOut, VOut> context,
                                                                             KeyValueStore<K, V> store, String sink,
                                                                             Output<K, V, KOut, VOut> output) {
        if (context instanceof InternalProcessorContext<KOut, VOut> internal && store instanceof CachedStateStore<?, ?>
                && internal.currentNode() != null) {
            @SuppressWarnings("unchecked")
            CachedStateStore<K, V> cached = (CachedStateStore<K, V>) store;
            UpdateForwarder<K, V, KOut, VOut> forwarder = new UpdateForwarder<>(context, sink, output, cached,
                    internal, internal.currentNode());
            // false: no cache under this store, nothing registered
            if (cached.setFlushListener(forwarder::flushed, false)) {
                return forwarder;
            }
        }
        return new UpdateForwarder<>(context, sink, output, null, null, null);
    }

    /** Whether changes wait for the cache to flush (else each is forwarded at once). */
    public boolean coalescing() {
        return cache != null;
    }

    /**
     * To be called after each change of {@code key} in the store, with the value put: without a
     * cache it is forwarded now, with one at the next flush.
     */
    public void changed(K key, V value, long timestamp) {
        if (cache == null) {
            forward(key, value, timestamp);
        }
    }

    /** Forwards every change the cache still holds (its flush); nothing without a cache. */
    public void flush() {
        if (cache != null) {
            cache.flushCache();
        }
    }

    private void flushed(Record<K, Change<V>> entry) {
        V value = entry.value().newValue;
        if (value == null) {
            // a deletion (or the eviction of one): nothing to forward
            return;
        }
        ProcessorNode<?, ?, ?, ?> current = internal.currentNode();
        internal.setCurrentNode(node);
        try {
            forward(entry.key(), value, entry.timestamp());
        } finally {
            internal.setCurrentNode(current);
        }
    }

    private void forward(K key, V value, long timestamp) {
        Record<KOut, VOut> record = output.apply(key, value, timestamp);
        if (record != null) {
            context.forward(record, sink);
        }
    }
}
