package dev.streamworks.common.time;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KeyValueMapper;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Event time across repartitions (docs/semantics.md), for
 * one topology: every record written to a repartition topic carries its read watermark and its
 * sender's watermark ({@link Stamp}); senders send heartbeats to every partition; each receiving
 * task keeps one watermark per channel and their minimum is its watermark, which the windowed
 * operators after it read through {@link #watermark(ProcessorContext, Clock)}.
 * <pre>
 * input topic -> [send: input stage] -> repartition -> [receive] -> operators
 *                                                               -> [send: relay stage] -> repartition -> [receive] -> ...
 * </pre>
 * Every repartition topic has {@link #repartitionPartitions()} partitions (the most of any input
 * topic), so the number of channels of every stage is known when the topology is built. An input
 * stage with a {@link #localHop local hop} hands the records that stay in their partition to the
 * receiver directly, in the same task ({@link #send}).
 */
public final class EventTime {

    private final EventTimeSettings settings;
    private final PartitionCounts partitions;
    private final LagProbe lag;
    private final List<String> inputs;
    private final MeterRegistry registry;
    private final Map<ClockKey, ChannelWatermarks> clocks = new ConcurrentHashMap<>();
    private final Map<String, Clock> clockOfOutput = new LinkedHashMap<>();
    private int repartitionPartitions;

    /**
     * A receiver's watermarks in one task. Kafka Streams runs one receiver per task, but the
     * TopologyTestDriver runs the whole topology as one task: the receiver's name tells them apart.
     */
    private record ClockKey(TaskId task, String receiver) {
    }

    /**
     * @param inputs   the topology's input topics with event time: the widest of them gives every
     *                 repartition topic its number of partitions
     * @param registry where the watermark gauges of {@link #bind bound} outputs go ({@code null}: none)
     */
    public EventTime(EventTimeSettings settings, PartitionCounts partitions, LagProbe lag, List<String> inputs,
                     MeterRegistry registry) {
        this(settings, partitions, lag, inputs, registry, 0);
    }

    /**
     * @param repartitionPartitions the partitions of every repartition topic; 0: as many as the widest
     *                              input (the default). A TopologyTestDriver runs one task per
     *                              sub-topology, so a test that plays six input partitions keeps 1 here
     */
    public EventTime(EventTimeSettings settings, PartitionCounts partitions, LagProbe lag, List<String> inputs,
                     MeterRegistry registry, int repartitionPartitions) {
        this.settings = settings;
        this.partitions = partitions;
        this.lag = lag;
        this.inputs = List.copyOf(inputs);
        this.registry = registry;
        this.repartitionPartitions = repartitionPartitions;
    }

    public EventTimeSettings settings() {
        return settings;
    }

    LagProbe lag() {
        return lag;
    }

    /** The number of partitions of every repartition topic of this topology (read when first asked). */
    public synchronized int repartitionPartitions() {
        if (repartitionPartitions == 0) {
            repartitionPartitions = Math.max(1, inputs.stream().mapToInt(partitions::of).max().orElse(1));
        }
        return repartitionPartitions;
    }

    /** How many channels {@code stage} has: its input topic's partitions, or a repartition topic's. */
    public int width(Stage stage) {
        return stage.isInput() ? partitions.of(stage.input()) : repartitionPartitions();
    }

    /**
     * Re-keys {@code in} through the repartition topic {@code topic} (named, with
     * {@link #repartitionPartitions()} partitions), stamped by stage {@code from}. An input stage
     * must come straight after its input topic's source (it remembers the record's input key and
     * reads the partition's stream time); a relay stage after a {@link #receive}.
     * <p>
     * With a {@link #localHop local hop} the returned stream is the topic's records merged with the
     * ones the sender keeps: a record whose destination partition (the producer's, {@link
     * HeartbeatPartitioner#partitionOf}) is the partition it was read from, and heartbeats to that
     * partition, go straight to the processors after this call, in the same task, stamped as they
     * would have been; every other record through the topic. The input source, the topic's source
     * and everything after the {@link #receive} up to the next repartition then form one
     * sub-topology, whose task {@code p} reads input partition {@code p} and repartition partition
     * {@code p}: the processors after it must not depend on the task's stream time (none here does;
     * the sender takes its partition's time from the {@link
     * dev.streamworks.common.streams.EventTimeExtractor timestamp extractor}, and keeps it in the
     * store {@link #partitionTimeStore} for the heartbeats it sends before its first record after a
     * restart). docs/semantics.md, "Local hop".
     */
    public <V, W> KStream<String, W> send(KStream<String, V> in, Stage from,
                                          KeyValueMapper<String, V, KeyValue<String, W>> mapper,
                                          Serde<W> valueSerde, String topic) {
        boolean local = localHop(from);
        KStream<String, W> sent = in.process(new SenderSupplier<>(from, mapper, topic, local, valueSerde),
                Named.as(topic + "-send"));
        // the sender writes batches to the topic (HopBatch): its records and heartbeats in order, per partition
        @SuppressWarnings({"unchecked", "rawtypes"})
        KStream<String, byte[]> batches = (KStream) sent;
        KStream<String, W> through = batches.repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray())
                        .withName(topic).withNumberOfPartitions(repartitionPartitions())
                        .withStreamPartitioner(new HopPartitioner()))
                .process(HopUnpacker::new, Named.as(topic + "-unpack"))
                .processValues(() -> new HopDecoder<>(valueSerde), Named.as(topic + "-decode"));
        return local ? through.merge(sent, Named.as(localNode(topic))) : through;
    }

    /**
     * Whether stage {@code from} hands the records that stay in their partition straight to the
     * receiver: an input stage {@link Stage#withLocalHop with a local hop} whose input topic has
     * exactly as many partitions as the repartition topic. With another count a key's input partition
     * (if its producer hashed it too) is not its repartition partition but by chance, so there is no
     * hop to save; and task {@code p} of the merged sub-topology would read input partition {@code p}
     * beyond the repartition topic's partitions (a narrower repartition topic, as tests configure).
     */
    public boolean localHop(Stage from) {
        return from.localHop() && partitions.of(from.input()) == repartitionPartitions();
    }

    /** The store in which the sender of {@code topic} with a local hop keeps its partition's stream time. */
    public static String partitionTimeStore(String topic) {
        return topic + "-partition-time-store";
    }

    /** The store by which the sender of {@code topic} hears of each commit ({@link HopBuffer}). */
    static String hopBufferStore(String topic) {
        return topic + "-hop-buffer";
    }

    /** The node that merges the records kept local with the topic's, the sender's child for them. */
    static String localNode(String topic) {
        return topic + "-local";
    }

    /** The node the DSL puts first on the way to repartition topic {@code topic}, the sender's child for the rest. */
    static String throughNode(String topic) {
        return topic + "-repartition-filter";
    }

    private final class SenderSupplier<V, W> implements ProcessorSupplier<String, V, String, W> {

        private final Stage stage;
        private final KeyValueMapper<String, V, KeyValue<String, W>> mapper;
        private final String topic;
        private final boolean local;
        private final Serde<W> valueSerde;

        SenderSupplier(Stage stage, KeyValueMapper<String, V, KeyValue<String, W>> mapper, String topic, boolean local,
                       Serde<W> valueSerde) {
            this.stage = stage;
            this.mapper = mapper;
            this.topic = topic;
            this.local = local;
            this.valueSerde = valueSerde;
        }

        @Override
        public Processor<String, V, String, W> get() {
            return new Sender<>(EventTime.this, stage, mapper, topic, local ? topic : null, valueSerde.serializer());
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            StoreBuilder<?> buffer = new HopBuffer.Builder(hopBufferStore(topic));
            if (!local) {
                return Set.of(buffer);
            }
            // one entry per task (its input partition), rewritten per record: the cache keeps it to
            // one changelog record per commit, committed with the input offsets
            return Set.of(buffer, Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(partitionTimeStore(topic)),
                    Serdes.Integer(), Serdes.Long()).withCachingEnabled());
        }
    }

    /** Re-keys without changing the value. */
    public <V> KStream<String, V> sendKeyedBy(KStream<String, V> in, Stage from, KeyValueMapper<String, V, String> key,
                                              Serde<V> valueSerde, String topic) {
        return send(in, from, (k, v) -> KeyValue.pair(key.apply(k, v), v), valueSerde, topic);
    }

    /**
     * The receiving side of one or more repartition topics (merged before this call when several):
     * the task's watermark is the minimum over the channels of every stage in {@code from}.
     */
    public <V> KStream<String, V> receive(KStream<String, V> in, String name, Stage... from) {
        Stage[] stages = from.clone();
        return in.process(() -> new Receiver<V>(this, name, stages), Named.as(name));
    }

    /**
     * Reports {@code outputs}' watermark as {@code clock}'s: in {@link #watermarks()} and as gauges
     * per output, {@code streamworks_watermark_seconds} (epoch seconds; NaN while unknown) and
     * {@code streamworks_watermark_skew_seconds} (largest minus smallest stream time of the input
     * partitions feeding it).
     */
    public synchronized void bind(Clock clock, String... outputs) {
        for (String output : outputs) {
            if (clockOfOutput.put(output, clock) == null && registry != null) {
                Gauge.builder("streamworks.watermark", this, e -> e.lowest(clock).stream()
                                .mapToDouble(wm -> wm / 1000.0).findFirst().orElse(Double.NaN))
                        .description("The output's watermark (event time, epoch seconds): windows closed up to it")
                        .baseUnit("seconds").tag("output", output).register(registry);
                Gauge.builder("streamworks.watermark.skew", this, e -> e.skewSeconds(clock))
                        .description("Largest minus smallest stream time of the input partitions feeding the output")
                        .baseUnit("seconds").tag("output", output).register(registry);
            }
        }
    }

    ChannelWatermarks openClock(TaskId task, String receiver, Stage[] stages) {
        int[] ids = Arrays.stream(stages).mapToInt(Stage::id).toArray();
        int[] widths = Arrays.stream(stages).mapToInt(this::width).toArray();
        ChannelWatermarks watermarks = new ChannelWatermarks(ids, widths, settings.idleClose());
        clocks.put(new ClockKey(task, receiver), watermarks);
        return watermarks;
    }

    void closeClock(TaskId task, String receiver, ChannelWatermarks watermarks) {
        clocks.remove(new ClockKey(task, receiver), watermarks);
    }

    /** The watermarks of the receiver {@code receiver} in {@code task}, or {@code null} when not open (yet). */
    ChannelWatermarks clock(TaskId task, String receiver) {
        return clocks.get(new ClockKey(task, receiver));
    }

    /**
     * The watermark {@code clock} names as the processor of {@code context} sees it: for the
     * processors after that receiver, in its task. Create it in {@code Processor#init}.
     */
    public Watermark watermark(ProcessorContext<?, ?> context, Clock clock) {
        return new Watermark(this, context.taskId(), clock);
    }

    /** The watermark of each bound output: the lowest over this instance's tasks that compute it. */
    public synchronized Map<String, Long> watermarks() {
        Map<String, Long> result = new LinkedHashMap<>();
        clockOfOutput.forEach((output, clock) -> lowest(clock).ifPresent(wm -> result.put(output, wm)));
        return result;
    }

    private OptionalLong lowest(Clock clock) {
        return clocks.entrySet().stream().filter(entry -> entry.getKey().receiver().equals(clock.receiver()))
                .mapToLong(entry -> clock.stages().length == 0 ? entry.getValue().watermark()
                        : entry.getValue().candidate(clock))
                .filter(wm -> wm != Long.MIN_VALUE).min();
    }

    private double skewSeconds(Clock clock) {
        return clocks.entrySet().stream().filter(entry -> entry.getKey().receiver().equals(clock.receiver()))
                .mapToLong(entry -> entry.getValue().skew()).max().orElse(0) / 1000.0;
    }
}
