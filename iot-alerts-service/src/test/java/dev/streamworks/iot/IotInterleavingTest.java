package dev.streamworks.iot;

import dev.streamworks.common.config.StreamworksProperties;
import dev.streamworks.common.event.TelemetryReading;
import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.serde.EventSerde;
import dev.streamworks.common.serde.JsonSerde;
import dev.streamworks.common.serde.Parsed;
import dev.streamworks.common.serde.RepartitionSerde;
import dev.streamworks.common.streams.Window;
import dev.streamworks.common.testing.ChannelFeed;
import dev.streamworks.common.testing.TestEventTime;
import dev.streamworks.common.testing.TestEvents;
import dev.streamworks.common.testing.TestTimes;
import dev.streamworks.common.testing.TopologyDriver;
import dev.streamworks.common.time.Stage;
import dev.streamworks.iot.domain.AlertType;
import dev.streamworks.iot.domain.DeviceAlert;
import dev.streamworks.iot.domain.DeviceStats;
import dev.streamworks.iot.processor.ReadingCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static dev.streamworks.common.testing.ChannelFeed.late;
import static dev.streamworks.common.testing.ChannelFeed.read;
import static dev.streamworks.common.testing.ChannelFeed.sorted;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production iot topology with six telemetry partitions (EVENT-TIME.md "How to prove it"):
 * readings of six channels, each device in one channel (a producer keyed by device), stamped as the
 * telemetry stage stamps them, fed to the device task through its repartition topic in chunks minutes
 * of event time apart, in random interleavings. {@code device-stats-5m} (final), {@code device-alerts}
 * and {@code iot-alerts.late} must be identical every time and equal to the batch computation of
 * docs/semantics.md section 5: a reading is late iff {@code end + grace <= rwm}; a window is emitted iff
 * {@code end + grace <=} the smallest last stream time over the channels; alerts per device in its
 * channel's order.
 */
class IotInterleavingTest {

    private static final String APP = "iot-alerts";
    private static final String REPARTITION = APP + "-" + IotTopology.READINGS_BY_DEVICE + "-repartition";
    private static final String LATE = "iot-alerts.late";
    private static final String DLQ = "iot-alerts.dlq";
    private static final int CHANNELS = 6;
    private static final int RUNS = 3;
    private static final Stage TELEMETRY = Stage.input(IotTopology.TELEMETRY_STAGE, "iot-telemetry");
    private static final IotProperties PROPS = IotProperties.defaults();
    private static final long SIZE = PROPS.windowSize().toMillis();
    private static final long GRACE = PROPS.grace().toMillis();
    private static final double THRESHOLD = PROPS.overheatThreshold();
    private static final long MINUTE = 60_000;

    @TempDir
    Path stateDir;

    private static final StreamworksProperties COMMON = StreamworksProperties.defaults();
    private static final EventSerde<TelemetryReading> SERDE = new EventSerde<>(TelemetryReading.class,
            COMMON.maxRecordBytesInt(), COMMON.maxFutureSkew(), TestTimes.CLOCK);
    private static final RepartitionSerde<TelemetryReading> REPARTITIONED = RepartitionSerde.of(SERDE, new ReadingCodec());

    /** One reading as its channel sent it, with its read watermark. */
    private record Reading(String device, long t, double temperature, String json, long rwm) {
        String originKey() {
            return "in-" + device;
        }
    }

    /** Sorted text of every record of each output: multisets, comparable across runs. */
    private record Outputs(List<String> stats, List<String> alerts, List<String> late) {
    }

    @Test
    void sixTelemetryChannelsInRandomInterleavingsGiveTheBatchResult() {
        long seed = Long.getLong("interleaving.seed", new Random().nextLong());
        Random random = new Random(seed);
        ChannelFeed feed = new ChannelFeed();
        List<List<Reading>> channels = generate(random, feed);
        long watermark = feed.watermark(REPARTITION);
        Outputs expected = batch(channels, watermark);

        assertThat(expected.stats()).as("the data closes windows (seed %d)", seed).hasSizeGreaterThan(20);
        assertThat(expected.alerts()).as("the data raises alerts and escalations (seed %d)", seed)
                .anyMatch(alert -> alert.contains("OVERHEAT_ESCALATED")).anyMatch(alert -> alert.contains("OVERHEAT,"));
        assertThat(expected.late()).as("the data has late readings (seed %d)", seed).hasSizeGreaterThan(10);
        assertThat(ties(channels, 0)).as("readings late exactly at end + grace (seed %d)", seed).isPositive();
        assertThat(ties(channels, 1)).as("readings 1 ms before end + grace (seed %d)", seed).isPositive();
        assertThat(expected.stats()).as("a window closes exactly at the final watermark (seed %d)", seed)
                .anyMatch(stats -> stats.contains("end=" + Instant.ofEpochMilli(watermark - GRACE) + "]"));

        Outputs first = null;
        for (int run = 0; run < RUNS; run++) {
            List<ChannelFeed.Sent> interleaving = feed.interleave(random);
            assertThat(ChannelFeed.skewMs(interleaving)).as("channels minutes apart, seed %d run %d", seed, run)
                    .isGreaterThanOrEqualTo(10 * MINUTE);
            Outputs outputs = drive(interleaving, seed, run);
            assertThat(outputs.stats()).as("device-stats-5m (final), seed %d run %d", seed, run)
                    .containsExactlyElementsOf(expected.stats());
            assertThat(outputs.alerts()).as("device-alerts, seed %d run %d", seed, run)
                    .containsExactlyElementsOf(expected.alerts());
            assertThat(outputs.late()).as("iot-alerts.late, seed %d run %d", seed, run)
                    .containsExactlyElementsOf(expected.late());
            if (first != null) {
                assertThat(outputs).as("identical outputs, seed %d run %d", seed, run).isEqualTo(first);
            }
            first = outputs;
        }
    }

    /**
     * Per channel, four devices of its own, at the channel's own pace: mostly in order, some minutes
     * out of order, some over 20 minutes late, some on a window's start, some tied at a window's end +
     * grace (the channel's stream time exactly there, or 1 ms before), temperatures around and exactly
     * at the threshold; each channel's last reading on a window bound, so the final watermark is one.
     */
    private static List<List<Reading>> generate(Random random, ChannelFeed feed) {
        List<List<Reading>> channels = new ArrayList<>();
        for (int c = 0; c < CHANNELS; c++) {
            ChannelFeed.Channel channel = feed.channel(REPARTITION, TELEMETRY.channel(c));
            List<Reading> readings = new ArrayList<>();
            long time = TestTimes.T0.toEpochMilli() + random.nextInt(60_000);
            long pace = 4_000 + random.nextInt(36_000);
            int count = 150 + random.nextInt(150);
            for (int i = 0; i < count; i++) {
                time += random.nextInt((int) pace);
                long at = time;
                int kind = random.nextInt(100);
                if (kind < 8) {
                    at -= random.nextInt(5 * (int) MINUTE);
                } else if (kind < 11) {
                    at -= 20 * MINUTE + random.nextInt(40 * (int) MINUTE);
                } else if (kind < 14) {
                    at = Math.floorDiv(time, SIZE) * SIZE;
                } else if (kind < 20) {
                    long bound = Math.floorDiv(time, SIZE) * SIZE + SIZE;
                    long channelAt = bound - (kind % 2 == 0 ? 1 : 0);
                    time = Math.max(time, channelAt);
                    readings.add(send(channel, device(c, random), channelAt, temperature(random)));
                    at = bound - GRACE - SIZE + random.nextInt((int) SIZE);
                }
                readings.add(send(channel, device(c, random), at, temperature(random)));
            }
            readings.add(send(channel, device(c, random), Math.floorDiv(time, SIZE) * SIZE + SIZE, temperature(random)));
            channels.add(readings);
        }
        return channels;
    }

    private static String device(int channel, Random random) {
        return "d" + channel + "-" + random.nextInt(4);
    }

    private static double temperature(Random random) {
        int kind = random.nextInt(100);
        return kind < 12 ? 80 + random.nextInt(200) / 10.0 : kind < 15 ? THRESHOLD : 15 + random.nextInt(600) / 10.0;
    }

    private static Reading send(ChannelFeed.Channel channel, String device, long t, double temperature) {
        String json = TestEvents.reading(device, Instant.ofEpochMilli(t), temperature);
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        long rwm = channel.send("in-" + device, device, REPARTITIONED.write(new Parsed<>(SERDE.parse(bytes), bytes)), t);
        return new Reading(device, t, temperature, json, rwm);
    }

    /** Readings whose read watermark is their window's end + grace minus {@code before} ms. */
    private static long ties(List<List<Reading>> channels, long before) {
        return channels.stream().flatMap(List::stream)
                .filter(r -> Math.floorDiv(r.t(), SIZE) * SIZE + SIZE + GRACE - before == r.rwm()).count();
    }

    /** The window figures of the batch computation. */
    private static final class Figures {
        long count;
        double sum;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        int alerts;
        double alertedMax = Double.NaN;
    }

    /** docs/semantics.md section 5, over the records of each channel in its order. */
    private static Outputs batch(List<List<Reading>> channels, long watermark) {
        Map<String, Figures> windows = new TreeMap<>();
        List<String> alerts = new ArrayList<>();
        List<String> late = new ArrayList<>();
        for (List<Reading> channel : channels) {
            for (Reading r : channel) {
                long start = Math.floorDiv(r.t(), SIZE) * SIZE;
                long end = start + SIZE;
                if (end + GRACE <= r.rwm()) {
                    for (String output : List.of("device-stats-5m", "device-alerts")) {
                        late.add(late(r.originKey(), r.json(), output, end, r.rwm()));
                    }
                    continue;
                }
                Figures f = windows.computeIfAbsent(r.device() + "@" + start, w -> new Figures());
                f.count++;
                f.sum += r.temperature();
                f.min = Math.min(f.min, r.temperature());
                f.max = Math.max(f.max, r.temperature());
                boolean alert = f.alerts == 0 ? f.max > THRESHOLD : f.max > f.alertedMax;
                if (alert) {
                    Window window = Window.ofMillis(start, end);
                    AlertType type = f.alerts == 0 ? AlertType.OVERHEAT : AlertType.OVERHEAT_ESCALATED;
                    String id = r.device() + "@" + window.start() + (f.alerts == 0 ? "" : "#" + f.alerts);
                    alerts.add(r.device() + "|" + new DeviceAlert(id, type, r.device(), window, f.max, f.sum / f.count,
                            f.count, THRESHOLD, Instant.ofEpochMilli(r.t())));
                    f.alerts++;
                    f.alertedMax = f.max;
                }
            }
        }
        List<String> stats = new ArrayList<>();
        windows.forEach((key, f) -> {
            String device = key.substring(0, key.indexOf('@'));
            long start = Long.parseLong(key.substring(key.indexOf('@') + 1));
            if (start + SIZE + GRACE <= watermark) {
                stats.add(device + "|" + new DeviceStats(Window.ofMillis(start, start + SIZE), device,
                        f.sum / f.count, f.max, f.min, f.count));
            }
        });
        return new Outputs(sorted(stats), sorted(alerts), sorted(late));
    }


    private Outputs drive(List<ChannelFeed.Sent> interleaving, long seed, int run) {
        StreamworksMetrics metrics = new StreamworksMetrics(new SimpleMeterRegistry(), TestTimes.CLOCK);
        try (TopologyTestDriver driver = TopologyDriver.drive(TopologyDriver.settings(APP, COMMON, metrics, stateDir),
                builder -> new IotTopology(PROPS, SERDE, metrics, TestEventTime.partitions(CHANNELS, "iot-telemetry"),
                        LATE).addTo(builder))) {
            ChannelFeed.pipe(driver, interleaving);
            List<String> stats = new ArrayList<>();
            for (TestRecord<String, String> record : read(driver, PROPS.topics().stats())) {
                stats.add(record.key() + "|" + JsonSerde.of(DeviceStats.class).deserializer()
                        .deserialize("test", record.value().getBytes(StandardCharsets.UTF_8)));
            }
            List<String> alerts = new ArrayList<>();
            for (TestRecord<String, String> record : read(driver, PROPS.topics().alerts())) {
                alerts.add(record.key() + "|" + JsonSerde.of(DeviceAlert.class).deserializer()
                        .deserialize("test", record.value().getBytes(StandardCharsets.UTF_8)));
            }
            List<String> late = ChannelFeed.lateRecords(driver, LATE, "seed " + seed + " run " + run);
            assertThat(read(driver, DLQ)).as("no dead letters, seed %d run %d", seed, run).isEmpty();
            return new Outputs(sorted(stats), sorted(alerts), sorted(late));
        }
    }



}
