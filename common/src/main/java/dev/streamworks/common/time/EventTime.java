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
import org.apache.kafka.streams.processor.api.ProcessorContext;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
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
 * topic), so the number of channels of every stage is known when the topology is built.
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
     */
    public <V, W> KStream<String, W> send(KStream<String, V> in, Stage from,
                                          KeyValueMapper<String, V, KeyValue<String, W>> mapper,
                                          Serde<W> valueSerde, String topic) {
        return in.process(() -> new Sender<>(this, from, mapper), Named.as(topic + "-send"))
                .repartition(Repartitioned.with(Serdes.String(), valueSerde).withName(topic)
                        .withNumberOfPartitions(repartitionPartitions())
                        .withStreamPartitioner(new HeartbeatPartitioner<>()));
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
