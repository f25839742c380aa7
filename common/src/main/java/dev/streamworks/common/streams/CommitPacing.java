package dev.streamworks.common.streams;

import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.ProcessorWrapper;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.WrappedFixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.WrappedProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Exactly-once commits paced by the backlog, as Spark's micro-batches grow with it: a commit under
 * exactly-once flushes the producer and waits for the transaction's offsets and end at the broker,
 * a pause of the stream thread that costs the same whether it ends 100 ms of records or a second
 * of them. While the inputs are caught up the service commits every {@link Pacer#liveInterval()}
 * (outputs become visible at each commit: the latency); while they hold a backlog of at least
 * {@link Pacer#catchUpLag()} records it commits only every {@code commit.interval.ms}, the
 * catch-up interval, until the backlog is below a fifth of that.
 * <p>
 * Kafka Streams commits a stream thread's tasks every {@code commit.interval.ms}, or sooner when a
 * task asks ({@code ProcessorContext#commit}). This {@link ProcessorWrapper} ({@code
 * processor.wrapper.class}, KIP-1112: every processor of the topology is built through it) gives
 * the first processor initialized in each task a wall-clock punctuation (every quarter of the live
 * interval) that asks for a commit when its thread last asked a live interval ago or more, unless
 * the inputs hold a backlog. Nothing else changes: the wrapped processors
 * run as they are, with their stores.
 * <p>
 * The backlog is the consumer lag of the input topics as {@link dev.streamworks.common.ops.ConsumerLag}
 * reads it every second; unknown (before the first reading) counts as caught up.
 */
public final class CommitPacing implements ProcessorWrapper {

    /** The {@link Pacer} the wrapper reads, an object in the Streams configuration. */
    public static final String CONFIG = "streamworks.commit.pacer";

    private Pacer pacer;

    @Override
    public void configure(Map<String, ?> configs) {
        pacer = configs.get(CONFIG) instanceof Pacer configured ? configured : null;
    }

    @Override
    public <KIn, VIn, KOut, VOut> WrappedProcessorSupplier<KIn, VIn, KOut, VOut> wrapProcessorSupplier(
            String processorName, ProcessorSupplier<KIn, VIn, KOut, VOut> supplier) {
        if (pacer == null) {
            return ProcessorWrapper.asWrapped(supplier);
        }
        Pacer paced = pacer;
        return new WrappedProcessorSupplier<>() {
            @Override
            public Processor<KIn, VIn, KOut, VOut> get() {
                return new PacedProcessor<>(supplier.get(), paced);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return supplier.stores();
            }
        };
    }

    @Override
    public <KIn, VIn, VOut> WrappedFixedKeyProcessorSupplier<KIn, VIn, VOut> wrapFixedKeyProcessorSupplier(
            String processorName, FixedKeyProcessorSupplier<KIn, VIn, VOut> supplier) {
        if (pacer == null) {
            return ProcessorWrapper.asWrappedFixedKey(supplier);
        }
        Pacer paced = pacer;
        return new WrappedFixedKeyProcessorSupplier<>() {
            @Override
            public FixedKeyProcessor<KIn, VIn, VOut> get() {
                return new PacedFixedKeyProcessor<>(supplier.get(), paced);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return supplier.stores();
            }
        };
    }

    /**
     * When to ask for commits: at the live interval, unless the input lag says the service is
     * catching up (from {@code catchUpLag} records on, until below a fifth of it). One per service,
     * shared by its stream threads; it also knows which tasks have their punctuation.
     */
    public static final class Pacer {

        private final LongSupplier inputLag;
        private final Duration liveInterval;
        private final long catchUpLag;
        private final Set<TaskId> paced = ConcurrentHashMap.newKeySet();
        /** When the stream thread (punctuations run on the thread of their task) last asked for a commit. */
        private final ThreadLocal<long[]> lastAsked = ThreadLocal.withInitial(() -> new long[] {Long.MIN_VALUE / 2});
        private volatile boolean catchingUp;

        /**
         * @param inputLag     the records the inputs hold beyond what the service committed; negative when unknown
         * @param liveInterval how often to commit while caught up
         * @param catchUpLag   the input lag from which the service commits at the catch-up interval
         */
        public Pacer(LongSupplier inputLag, Duration liveInterval, long catchUpLag) {
            if (liveInterval.isNegative() || liveInterval.isZero() || catchUpLag < 1) {
                throw new IllegalArgumentException("the live commit interval and the catch-up lag must be positive");
            }
            this.inputLag = inputLag;
            this.liveInterval = liveInterval;
            this.catchUpLag = catchUpLag;
        }

        public Duration liveInterval() {
            return liveInterval;
        }

        public long catchUpLag() {
            return catchUpLag;
        }

        /** Whether the inputs hold a backlog, with the hysteresis above; read at each live interval. */
        public boolean catchingUp() {
            long lag = inputLag.getAsLong();
            boolean now = catchingUp ? lag >= catchUpLag / 5 : lag >= catchUpLag;
            catchingUp = now;
            return now;
        }

        /** How often each task's punctuation runs: a quarter of the live interval (at least 1 ms). */
        Duration tickInterval() {
            return Duration.ofMillis(Math.max(1, liveInterval.toMillis() / 4));
        }

        /** The last decision of {@link #catchingUp()}, without reading the lag. */
        public boolean lastCatchingUp() {
            return catchingUp;
        }

        /** The tasks whose first processor asks for the commits. */
        public int pacedTasks() {
            return paced.size();
        }

        /**
         * Gives the task its punctuation if no processor of it has one yet.
         *
         * @return the task claimed, to {@link #release} when that processor closes; {@code null}
         *         when another processor of the task has it, or for a global store's processor,
         *         which cannot schedule (the global thread commits nothing)
         */
        TaskId pace(TaskId task, Scheduler scheduler, Runnable commit) {
            if (!paced.add(task)) {
                return null;
            }
            try {
                // a quarter of the interval: the thread asks within a quarter interval of its due time
                scheduler.schedule(tickInterval(), PunctuationType.WALL_CLOCK_TIME, now -> tick(now, commit));
                return task;
            } catch (UnsupportedOperationException globalProcessor) {
                paced.remove(task);
                return null;
            }
        }

        void release(TaskId task) {
            if (task != null) {
                paced.remove(task);
            }
        }

        /**
         * The punctuation (every quarter of the live interval): ask for a commit unless catching up
         * or this stream thread asked less than a live interval ago. A thread commits all its tasks at once, and each task has its own
         * punctuation, at its own phase: without the second condition a thread of six tasks would
         * commit up to six times per interval.
         */
        void tick(long now, Runnable commit) {
            if (catchingUp()) {
                return;
            }
            long[] last = lastAsked.get();
            if (now - last[0] >= liveInterval.toMillis()) {
                last[0] = now;
                commit.run();
            }
        }
    }

    /** {@code ProcessorContext#schedule}, of either kind of context. */
    @FunctionalInterface
    interface Scheduler {
        Cancellable schedule(Duration interval, PunctuationType type, Punctuator punctuator);
    }

    /** A wrapped processor's part in the pacing: the task it paces, when it is the task's first processor. */
    private static final class Pacing {

        private final Pacer pacer;
        private TaskId owned;

        Pacing(Pacer pacer) {
            this.pacer = pacer;
        }

        void start(TaskId task, Scheduler scheduler, Runnable commit) {
            owned = pacer.pace(task, scheduler, commit);
        }

        void close(Runnable closeProcessor) {
            try {
                closeProcessor.run();
            } finally {
                pacer.release(owned);
                owned = null;
            }
        }
    }

    private static final class PacedProcessor<KIn, VIn, KOut, VOut> implements Processor<KIn, VIn, KOut, VOut> {

        private final Processor<KIn, VIn, KOut, VOut> delegate;
        private final Pacing pacing;

        PacedProcessor(Processor<KIn, VIn, KOut, VOut> delegate, Pacer pacer) {
            this.delegate = delegate;
            this.pacing = new Pacing(pacer);
        }

        @Override
        public void init(ProcessorContext<KOut, VOut> context) {
            delegate.init(context);
            pacing.start(context.taskId(), context::schedule, context::commit);
        }

        @Override
        public void process(Record<KIn, VIn> record) {
            delegate.process(record);
        }

        @Override
        public void close() {
            pacing.close(delegate::close);
        }
    }

    private static final class PacedFixedKeyProcessor<KIn, VIn, VOut> implements FixedKeyProcessor<KIn, VIn, VOut> {

        private final FixedKeyProcessor<KIn, VIn, VOut> delegate;
        private final Pacing pacing;

        PacedFixedKeyProcessor(FixedKeyProcessor<KIn, VIn, VOut> delegate, Pacer pacer) {
            this.delegate = delegate;
            this.pacing = new Pacing(pacer);
        }

        @Override
        public void init(FixedKeyProcessorContext<KIn, VOut> context) {
            delegate.init(context);
            pacing.start(context.taskId(), context::schedule, context::commit);
        }

        @Override
        public void process(FixedKeyRecord<KIn, VIn> record) {
            delegate.process(record);
        }

        @Override
        public void close() {
            pacing.close(delegate::close);
        }
    }
}
