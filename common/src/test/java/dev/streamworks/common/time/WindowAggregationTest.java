package dev.streamworks.common.time;

import dev.streamworks.common.config.StreamworksProperties;
import dev.streamworks.common.event.Event;
import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.serde.Parsed;
import dev.streamworks.common.streams.LateRecords;
import dev.streamworks.common.testing.TestTimes;
import dev.streamworks.common.testing.TopologyDriver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The receiver and the window operator as their own topology (the proof docs/semantics.md asks for):
 * records of six channels, stamped as their senders stamp them, fed in chunks minutes of event
 * time apart in random interleavings, must give identical outputs every time, equal to a plain
 * batch computation of the rule: late iff {@code end + grace <= rwm}; a final window is emitted iff
 * {@code end + grace <=} the final watermark (the smallest channel stream time).
 */
class WindowAggregationTest {

    static final Stage STAGE = Stage.input(7, "in");
    static final int CHANNELS = 6;
    private static final Windows WINDOWS = Windows.tumbling(Duration.ofMinutes(5), Duration.ofMinutes(10));
    private static final Windows HOPPING = Windows.hopping(Duration.ofSeconds(30), Duration.ofSeconds(10),
            Duration.ofSeconds(10));

    @TempDir
    Path stateDir;

    /** A minimal event: a key and an event time. */
    record Tick(String key, Instant at, int id) implements Event {
        @Override
        public Instant eventTime() {
            return at;
        }

        String text() {
            return key + "|" + at.toEpochMilli() + "|" + id;
        }

        static Tick parse(String text) {
            String[] parts = text.split("\\|");
            return new Tick(parts[0], Instant.ofEpochMilli(Long.parseLong(parts[1])), Integer.parseInt(parts[2]));
        }
    }

    static final Serde<Parsed<Tick>> TICKS = Serdes.serdeFrom(
            (Serializer<Parsed<Tick>>) (topic, parsed) -> parsed == null ? null : parsed.bytes(),
            (Deserializer<Parsed<Tick>>) (topic, bytes) -> bytes == null ? null
                    : new Parsed<>(Tick.parse(new String(bytes, StandardCharsets.UTF_8)), bytes));

    /** One record as the channel's sender would have written it. */
    record Sent(int channel, Tick tick, long rwm, boolean heartbeat) {
    }

    @Test
    void randomInterleavingsOfSixChannelsGiveTheBatchResult() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        List<List<Sent>> channels = generate(random);
        Expected expected = expected(channels);
        Outputs first = null;
        for (int run = 0; run < 4; run++) {
            Outputs outputs = drive(interleave(channels, random));
            assertThat(outputs.finals).as("final windows, seed %d run %d", seed, run).isEqualTo(expected.finals);
            assertThat(outputs.updates).as("last update per window, seed %d run %d", seed, run)
                    .isEqualTo(expected.updates);
            assertThat(outputs.hopping).as("hopping windows, seed %d run %d", seed, run).isEqualTo(expected.hopping);
            assertThat(outputs.distinct).as("distinct users per window, seed %d run %d", seed, run)
                    .isEqualTo(expected.distinct);
            assertThat(outputs.late).as("late records, seed %d run %d", seed, run).isEqualTo(expected.late);
            if (first != null) {
                assertThat(outputs).as("identical outputs, seed %d", seed).isEqualTo(first);
            }
            first = outputs;
        }
        assertThat(expected.finals).as("the data closes windows (seed %d)", seed).isNotEmpty();
        assertThat(expected.late.values().stream().mapToInt(Integer::intValue).sum())
                .as("the data has late records (seed %d)", seed).isPositive();
    }

    /** Per channel: mostly ascending event times at its own pace, a few minutes out of order, some truly late. */
    static List<List<Sent>> generate(Random random) {
        List<List<Sent>> channels = new ArrayList<>();
        int id = 0;
        for (int c = 0; c < CHANNELS; c++) {
            List<Sent> sent = new ArrayList<>();
            long time = TestTimes.T0.toEpochMilli() + random.nextInt(60_000);
            long pst = Long.MIN_VALUE;
            int count = 150 + random.nextInt(150);
            long pace = 5_000 + random.nextInt(30_000);
            for (int i = 0; i < count; i++) {
                time += random.nextInt((int) pace);
                long at = time;
                int kind = random.nextInt(100);
                if (kind < 8) {
                    at -= random.nextInt(5 * 60_000); // minutes out of order
                } else if (kind < 11) {
                    at -= 20 * 60_000 + random.nextInt(40 * 60_000); // truly late
                } else if (kind < 14) {
                    at = time - time % 300_000; // exactly on a window bound
                } else if (kind < 20) {
                    // ties at the grace bound: the channel one millisecond before / exactly at a window
                    // end + grace, and a record of that window (on time by 1 ms / late exactly at it)
                    long bound = time - time % 300_000 + 300_000;
                    long windowOffset = kind < 17 ? 15 * 60_000 : 40_000; // tumbling or hopping bound
                    long channelAt = bound - (kind % 2 == 0 ? 1 : 0);
                    time = Math.max(time, channelAt);
                    pst = Math.max(pst, channelAt);
                    sent.add(new Sent(STAGE.channel(c), new Tick("k" + random.nextInt(5),
                            Instant.ofEpochMilli(channelAt), id++), pst, false));
                    at = bound - windowOffset;
                }
                pst = Math.max(pst, at);
                Tick tick = new Tick("k" + random.nextInt(5), Instant.ofEpochMilli(at), id++);
                sent.add(new Sent(STAGE.channel(c), tick, pst, false));
                if (random.nextInt(20) == 0) {
                    sent.add(new Sent(STAGE.channel(c), null, pst, true));
                }
            }
            sent.add(new Sent(STAGE.channel(c), null, pst, true));
            channels.add(sent);
        }
        return channels;
    }

    /** Chunks of random size from random channels, each channel's order kept. */
    static List<Sent> interleave(List<List<Sent>> channels, Random random) {
        List<Sent> out = new ArrayList<>();
        int[] next = new int[channels.size()];
        int left = channels.stream().mapToInt(List::size).sum();
        while (left > 0) {
            int c = random.nextInt(channels.size());
            int chunk = 1 + random.nextInt(60);
            for (int i = 0; i < chunk && next[c] < channels.get(c).size(); i++) {
                out.add(channels.get(c).get(next[c]++));
                left--;
            }
        }
        return out;
    }

    record Outputs(Map<String, Long> finals, Map<String, Long> updates, Map<String, Long> hopping,
                   Map<String, Long> distinct, Map<String, Integer> late) {
    }

    record Expected(Map<String, Long> finals, Map<String, Long> updates, Map<String, Long> hopping,
                    Map<String, Long> distinct, Map<String, Integer> late) {
    }

    /** The "user" of a tick, for the distinct dimension: 37 users, each with many ticks. */
    static String user(Tick tick) {
        return "u" + Math.floorMod(tick.id() * 7, 37);
    }

    /** Values the distinct sets' index holds per task in these tests: small, so sets are dropped and read again. */
    static final int DISTINCT_INDEX = 40;

    /** The batch computation of the rule. */
    static Expected expected(List<List<Sent>> channels) {
        long watermark = channels.stream().mapToLong(c -> c.get(c.size() - 1).rwm()).min().orElseThrow();
        Map<String, Long> counts = new TreeMap<>();
        Map<String, Long> hopping = new TreeMap<>();
        Map<String, Set<String>> users = new TreeMap<>();
        Map<String, Integer> late = new TreeMap<>();
        for (List<Sent> channel : channels) {
            for (Sent sent : channel) {
                if (sent.heartbeat()) {
                    continue;
                }
                long t = sent.tick().at().toEpochMilli();
                long start = WINDOWS.startsOf(t)[0];
                if (start + WINDOWS.sizeMs() + WINDOWS.graceMs() <= sent.rwm()) {
                    late.merge("tumbling:" + sent.tick().id() + "@" + (start + WINDOWS.sizeMs()), 1, Integer::sum);
                } else {
                    counts.merge(sent.tick().key() + "@" + start, 1L, Long::sum);
                    users.computeIfAbsent(sent.tick().key() + "@" + start, w -> new HashSet<>())
                            .add(user(sent.tick()));
                }
                long missed = Long.MIN_VALUE;
                for (long s : HOPPING.startsOf(t)) {
                    if (s + HOPPING.sizeMs() + HOPPING.graceMs() <= sent.rwm()) {
                        missed = s + HOPPING.sizeMs();
                    } else {
                        hopping.merge(sent.tick().key() + "@" + s, 1L, Long::sum);
                    }
                }
                if (missed != Long.MIN_VALUE) {
                    late.merge("hopping:" + sent.tick().id() + "@" + missed, 1, Integer::sum);
                }
            }
        }
        Map<String, Long> finals = new TreeMap<>();
        counts.forEach((window, count) -> {
            long start = Long.parseLong(window.substring(window.indexOf('@') + 1));
            if (start + WINDOWS.sizeMs() + WINDOWS.graceMs() <= watermark) {
                finals.put(window, count);
            }
        });
        Map<String, Long> distinct = new TreeMap<>();
        users.forEach((window, set) -> distinct.put(window, (long) set.size()));
        return new Expected(finals, counts, hopping, distinct, late);
    }

    private Outputs drive(List<Sent> records) {
        StreamworksProperties props = StreamworksProperties.defaults();
        var settings = TopologyDriver.settings("window-test", props, (stage, error) -> { }, stateDir);
        StreamworksMetrics metrics = new StreamworksMetrics(new SimpleMeterRegistry(), TestTimes.CLOCK);
        try (TopologyTestDriver driver = TopologyDriver.drive(settings, builder -> topology(builder, metrics, Duration.ofHours(1)))) {
            TestInputTopic<String, String> input = driver.createInputTopic("in", Serdes.String().serializer(),
                    Serdes.String().serializer());
            records.forEach(sent -> input.pipeInput(record(sent)));
            Map<String, Long> finals = new TreeMap<>();
            for (KeyValue<String, String> record : read(driver, "final-out")) {
                assertThat(finals.put(window(record.value), count(record.value)))
                        .as("a final window is emitted once: %s", record.value).isNull();
            }
            Map<String, Long> updates = lastPerWindow(read(driver, "update-out"));
            Map<String, Long> hopping = lastPerWindow(read(driver, "hopping-out"));
            Map<String, Long> distinct = lastPerWindow(read(driver, "distinct-out"));
            Map<String, Integer> late = new HashMap<>();
            TestOutputTopic<String, byte[]> lateTopic = driver.createOutputTopic("late", Serdes.String().deserializer(),
                    Serdes.ByteArray().deserializer());
            lateTopic.readRecordsToList().forEach(record -> {
                Tick tick = Tick.parse(new String(record.value(), StandardCharsets.UTF_8));
                String reason = new String(record.headers().lastHeader(LateRecords.REASON_HEADER).value(),
                        StandardCharsets.UTF_8);
                long end = Instant.parse(new String(record.headers().lastHeader(LateRecords.WINDOW_END_HEADER).value(),
                        StandardCharsets.UTF_8)).toEpochMilli();
                assertThat(record.headers().lastHeader(Stamp.HEADER)).as("internal header stripped").isNull();
                late.merge(reason + ":" + tick.id() + "@" + end, 1, Integer::sum);
            });
            return new Outputs(finals, updates, hopping, distinct, new TreeMap<>(late));
        }
    }

    /**
     * The operators under test, after the receiver of the six channels: final and update mode over
     * tumbling windows, update mode over hopping windows, each with its output topic; late records
     * to "late"; and the distinct users of each tumbling window, in update mode. Closed windows are
     * kept for {@code retention}; returns the receiver's output.
     */
    static KStream<String, Parsed<Tick>> topology(StreamsBuilder builder, StreamworksMetrics metrics,
                                                  Duration retention) {
        return topology(builder, metrics, retention, "");
    }

    /** As {@link #topology(StreamsBuilder, StreamworksMetrics, Duration)}, every topic's name after {@code prefix}. */
    static KStream<String, Parsed<Tick>> topology(StreamsBuilder builder, StreamworksMetrics metrics,
                                                  Duration retention, String prefix) {
        EventTime eventTime = new EventTime(EventTimeSettings.defaults(), topic -> CHANNELS, LagProbe.NONE,
                List.of(prefix + "in"), null);
        // channels are numbered by the stage's id, so the records of generate() fit any prefix
        KStream<String, Parsed<Tick>> in = eventTime.receive(
                builder.stream(prefix + "in", Consumed.with(Serdes.String(), TICKS)), "receive",
                Stage.input(STAGE.id(), prefix + "in"));
        KStream<String, Object> finals = in.process(count("final", WINDOWS, WindowAggregation.Emit.FINAL, retention)
                .build(eventTime, Clock.of("receive"), metrics), Named.as("final"));
        finals.to(prefix + "final-out", Produced.with(Serdes.String(), erased(Serdes.String())).withName("final-sink"));
        finals.to(prefix + "late", Produced.with(Serdes.String(), erased(Serdes.ByteArray())).withName("final-late"));
        KStream<String, Object> updates = in.process(count("update", WINDOWS, WindowAggregation.Emit.UPDATE, retention)
                .build(eventTime, Clock.of("receive"), metrics), Named.as("update"));
        updates.to(prefix + "update-out", Produced.with(Serdes.String(), erased(Serdes.String())).withName("update-sink"));
        updates.to(prefix + "late-unused", Produced.with(Serdes.String(), erased(Serdes.ByteArray())).withName("update-late"));
        KStream<String, Object> hops = in.process(count("hopping", HOPPING, WindowAggregation.Emit.UPDATE, retention)
                .build(eventTime, Clock.of("receive"), metrics), Named.as("hopping"));
        hops.to(prefix + "hopping-out", Produced.with(Serdes.String(), erased(Serdes.String())).withName("hopping-sink"));
        hops.to(prefix + "late", Produced.with(Serdes.String(), erased(Serdes.ByteArray())).withName("hopping-late"));
        KStream<String, Object> distinct = in.process(WindowAggregation.<Tick, Long>named("distinct")
                .windows(WINDOWS, retention)
                .aggregate(() -> 0L, (key, tick, users, first) -> first ? users + 1 : users, Serdes.Long())
                .distinct(WindowAggregationTest::user, DISTINCT_INDEX)
                .emit(WindowAggregation.Emit.UPDATE, "distinct-sink", (key, window, users) ->
                        key + "@" + window.startMs() + "=" + users)
                .late("distinct-late", "distinct")
                .build(eventTime, Clock.of("receive"), metrics), Named.as("distinct"));
        distinct.to(prefix + "distinct-out", Produced.with(Serdes.String(), erased(Serdes.String())).withName("distinct-sink"));
        distinct.to(prefix + "late-unused", Produced.with(Serdes.String(), erased(Serdes.ByteArray())).withName("distinct-late"));
        return in;
    }

    /** A record of "in" as the channel's sender would have written it, stamp included. */
    static TestRecord<String, String> record(Sent sent) {
        RecordHeaders headers = new RecordHeaders();
        long time;
        String value;
        if (sent.heartbeat()) {
            Stamp.heartbeat(sent.channel(), sent.rwm(), sent.rwm(), false, sent.rwm()).writeTo(headers);
            time = sent.rwm();
            value = null;
        } else {
            Stamp.record(sent.channel(), sent.rwm(), sent.rwm(), sent.rwm()).writeTo(headers);
            time = sent.tick().at().toEpochMilli();
            value = sent.tick().text();
        }
        return new TestRecord<>(sent.heartbeat() ? "" : sent.tick().key(), value, headers, Instant.ofEpochMilli(time));
    }

    /** What a consumer of an update-mode output keeps: the last count of each window ("key@start=count"). */
    static Map<String, Long> lastPerWindow(List<KeyValue<String, String>> records) {
        Map<String, Long> last = new TreeMap<>();
        records.forEach(record -> last.put(window(record.value), count(record.value)));
        return last;
    }

    private static WindowAggregation.Builder<Tick, Long> count(String name, Windows windows,
                                                             WindowAggregation.Emit emit, Duration retention) {
        return WindowAggregation.<Tick, Long>named(name)
                .windows(windows, retention)
                .aggregate(() -> 0L, (key, tick, count, first) -> count + 1, Serdes.Long())
                .emit(emit, name + "-sink", (key, window, count) -> key + "@" + window.startMs() + "=" + count)
                .late(name + "-late", name.equals("final") ? "tumbling" : name);
    }

    private static List<KeyValue<String, String>> read(TopologyTestDriver driver, String topic) {
        return driver.createOutputTopic(topic, Serdes.String().deserializer(), Serdes.String().deserializer())
                .readKeyValuesToList();
    }

    private static String window(String value) {
        return value.substring(0, value.indexOf('='));
    }

    private static long count(String value) {
        return Long.parseLong(value.substring(value.indexOf('=') + 1));
    }

    @SuppressWarnings("unchecked")
    private static <T> Serde<Object> erased(Serde<T> serde) {
        return (Serde<Object>) (Serde<?>) serde;
    }
}
