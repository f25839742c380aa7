package dev.streamworks.common.testing;

import dev.streamworks.common.time.EventTimeSettings;
import dev.streamworks.common.streams.LateRecords;
import dev.streamworks.common.time.InternalHeaders;
import dev.streamworks.common.time.Stamp;
import dev.streamworks.common.time.TestStamps;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records of several channels of one or more repartition topics, stamped as their senders stamp
 * them, to drive a production topology's receivers under {@link TopologyTestDriver}
 * (EVENT-TIME.md "How to prove it"). The driver runs the whole topology as one task on one
 * partition, so it cannot show several upstream tasks writing at their own pace; this feed plays
 * those tasks: it writes straight into the repartition topics
 * ({@code <application-id>-<name>-repartition}, which the driver accepts as input), in chunks of
 * random size from random channels, each channel's order kept, so the channels run minutes of
 * event time apart from each other.
 * <ul>
 *   <li>A record of a channel carries {@link Stamp#record} with {@code rwm} = the largest event
 *       time the channel sent so far (itself included), {@code wm = high = rwm}, and its input key
 *       in {@link InternalHeaders#ORIGIN_KEY} (what a late record leaves the service with).</li>
 *   <li>{@link #interleave} adds heartbeats ({@code null} value, {@link Stamp#heartbeat} of the
 *       channel's stream time so far) now and then, sometimes one before the channel's first record
 *       (a sender that has read nothing yet), and one after its last record.</li>
 * </ul>
 * The rule's batch result needs only each channel's records and their {@code rwm} (returned by
 * {@link Channel#send}) and the final watermark {@link #watermark} (the smallest last stream time
 * over the channels feeding a receiver).
 */
public final class ChannelFeed {

    /** How likely a heartbeat follows a record. */
    private static final int HEARTBEAT_ONE_IN = 16;

    /** One record (or heartbeat: {@code value == null}) as the sender of its channel wrote it. */
    public record Sent(String topic, int channel, String originKey, String key, byte[] value, long timestampMs,
                       Stamp stamp) {

        public boolean heartbeat() {
            return value == null;
        }

        @Override
        public String toString() {
            return topic + "/" + Integer.toHexString(channel) + (heartbeat() ? " heartbeat wm=" + stamp.wm()
                    : " " + key + "@" + timestampMs + " rwm=" + stamp.rwm());
        }
    }

    /** The records one channel (one upstream task) writes to one repartition topic, in its order. */
    public static final class Channel {

        private final String topic;
        private final int id;
        private final List<Sent> records = new ArrayList<>();
        private long rwm = Long.MIN_VALUE;

        private Channel(String topic, int id) {
            this.topic = topic;
            this.id = id;
        }

        /**
         * Sends a record read from its input at event time {@code eventTimeMs}.
         *
         * @param originKey the record's key in its input topic
         * @param key       its key in the repartition topic
         * @param value     its value in the repartition topic's format
         * @return its read watermark: the channel's stream time right after it
         */
        public long send(String originKey, String key, byte[] value, long eventTimeMs) {
            rwm = Math.max(rwm, eventTimeMs);
            records.add(new Sent(topic, id, originKey, key, value, eventTimeMs, Stamp.record(id, rwm, rwm, rwm)));
            return rwm;
        }

        /** The channel's stream time: the largest event time sent so far ({@code Long.MIN_VALUE}: none). */
        public long rwm() {
            return rwm;
        }

        public int size() {
            return records.size();
        }
    }

    private final Map<String, Channel> channels = new LinkedHashMap<>();

    /** The channel {@code channel} ({@code Stage#channel(partition)}) of repartition topic {@code topic}. */
    public Channel channel(String topic, int channel) {
        return channels.computeIfAbsent(topic + "/" + channel, name -> new Channel(topic, channel));
    }

    /**
     * The watermark once every channel of {@code topics} has delivered everything: the smallest of
     * their stream times, each the largest event time the channel sent.
     */
    public long watermark(String... topics) {
        long min = Long.MAX_VALUE;
        for (String topic : topics) {
            boolean any = false;
            for (Channel channel : channels.values()) {
                if (channel.topic.equals(topic)) {
                    any = true;
                    min = Math.min(min, channel.rwm);
                }
            }
            if (!any) {
                throw new IllegalArgumentException("no channel of " + topic);
            }
        }
        return min;
    }

    /**
     * One interleaving: every channel's records with heartbeats added, taken in chunks of random
     * size (1 to 20, or to 150) from random channels, each channel's order kept.
     */
    public List<Sent> interleave(Random random) {
        List<List<Sent>> sequences = new ArrayList<>();
        for (Channel channel : channels.values()) {
            List<Sent> sequence = new ArrayList<>();
            long wm = Long.MIN_VALUE;
            if (random.nextBoolean()) {
                sequence.add(heartbeat(channel, wm));
            }
            for (Sent record : channel.records) {
                sequence.add(record);
                wm = record.stamp().wm();
                if (random.nextInt(HEARTBEAT_ONE_IN) == 0) {
                    sequence.add(heartbeat(channel, wm));
                }
            }
            sequence.add(heartbeat(channel, wm));
            sequences.add(sequence);
        }
        List<Sent> out = new ArrayList<>();
        int[] next = new int[sequences.size()];
        int left = sequences.stream().mapToInt(List::size).sum();
        while (left > 0) {
            int c = random.nextInt(sequences.size());
            List<Sent> sequence = sequences.get(c);
            int chunk = 1 + random.nextInt(random.nextBoolean() ? 20 : 150);
            for (int i = 0; i < chunk && next[c] < sequence.size(); i++) {
                out.add(sequence.get(next[c]++));
                left--;
            }
        }
        return out;
    }

    private static Sent heartbeat(Channel channel, long wm) {
        return new Sent(channel.topic, channel.id, null, "", null, Math.max(0, wm),
                Stamp.heartbeat(channel.id, wm, wm, false, wm));
    }

    /**
     * The largest gap, at any point of {@code sent}, between the stream times of two channels that
     * have both sent a record: how far apart in event time the interleaving ran the channels.
     */
    public static long skewMs(List<Sent> sent) {
        Map<String, Long> positions = new HashMap<>();
        long skew = 0;
        for (Sent record : sent) {
            if (record.heartbeat()) {
                continue;
            }
            positions.merge(record.topic() + "/" + record.channel(), record.stamp().rwm(), Math::max);
            long max = positions.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            long min = positions.values().stream().mapToLong(Long::longValue).min().orElseThrow();
            skew = Math.max(skew, max - min);
        }
        return skew;
    }

    /**
     * Pipes {@code sent} into {@code driver} in its order, then lets the wall clock run one close
     * check ({@link EventTimeSettings#closeCheck}, 100 ms), so that windows closed by the last
     * heartbeats alone are emitted, as the running service's punctuation does. That is less than
     * {@link EventTimeSettings#heartbeatWall} (1 s): the topology's own senders send no wall-clock
     * heartbeat, which under the driver would report the one task's stream time as theirs.
     */
    public static void pipe(TopologyTestDriver driver, List<Sent> sent) {
        Map<String, TestInputTopic<String, byte[]>> inputs = new HashMap<>();
        for (Sent record : sent) {
            TestInputTopic<String, byte[]> input = inputs.computeIfAbsent(record.topic(), topic ->
                    driver.createInputTopic(topic, new StringSerializer(), new ByteArraySerializer()));
            RecordHeaders headers = new RecordHeaders();
            TestStamps.write(record.stamp(), headers);
            if (record.originKey() != null) {
                headers.add(InternalHeaders.ORIGIN_KEY, record.originKey().getBytes(StandardCharsets.UTF_8));
            }
            input.pipeInput(new TestRecord<>(record.key(), record.value(), headers,
                    Instant.ofEpochMilli(record.timestampMs())));
        }
        driver.advanceWallClockTime(EventTimeSettings.defaults().closeCheck());
    }

    /** Every record the driver wrote to {@code topic}, key and value as strings. */
    public static List<TestRecord<String, String>> read(TopologyTestDriver driver, String topic) {
        return driver.createOutputTopic(topic, new StringDeserializer(), new StringDeserializer()).readRecordsToList();
    }

    /** A late record as the interleaving tests compare it: key, value, reason, window end and stream time. */
    public static String late(String key, String value, String reason, long windowEnd, long streamTime) {
        return key + "|" + value + "|" + reason + "|" + Instant.ofEpochMilli(windowEnd) + "|"
                + Instant.ofEpochMilli(streamTime);
    }

    /**
     * The records of the late topic, sorted, each as {@link #late} writes it from the record's
     * headers; none carries an internal header ({@code as} names the run in a failure).
     */
    public static List<String> lateRecords(TopologyTestDriver driver, String topic, String as) {
        List<String> late = new ArrayList<>();
        for (TestRecord<String, String> record : read(driver, topic)) {
            assertThat(record.headers()).as("no internal header leaves the service, %s", as)
                    .noneMatch(header -> header.key().startsWith(InternalHeaders.PREFIX));
            late.add(late(record.key(), record.value(), header(record.headers(), LateRecords.REASON_HEADER),
                    Instant.parse(header(record.headers(), LateRecords.WINDOW_END_HEADER)).toEpochMilli(),
                    Instant.parse(header(record.headers(), LateRecords.STREAM_TIME_HEADER)).toEpochMilli()));
        }
        return sorted(late);
    }

    /** A sorted copy. */
    public static List<String> sorted(List<String> records) {
        List<String> copy = new ArrayList<>(records);
        copy.sort(null);
        return copy;
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
