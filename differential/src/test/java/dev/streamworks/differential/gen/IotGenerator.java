package dev.streamworks.differential.gen;

import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Telemetry made to break the IoT pipeline: devices at different rates, readings minutes out of
 * order and beyond the grace, overheat episodes with escalations and readings exactly at the
 * threshold and at the last alerted maximum, an overheat that arrives too late, ties at the grace
 * bound placed where the partition stream time is exactly there, bad input of every kind. Half the
 * devices are produced to the partition their id hashes to (as a producer keying by device does: the
 * service's repartition by device keeps them in their partition, its local hop), the others
 * elsewhere; some readings are keyed by something else than their device (the key is not trusted).
 */
public final class IotGenerator {

    public static final String TELEMETRY = "iot-telemetry";

    private static final long S = 1000;
    private static final long M = 60 * S;
    private static final long H = 60 * M;

    /**
     * How much data: devices, hours of event time, overheat episodes, tie sites; with
     * {@code emptyPartition} the last input partition gets no reading at all (the final windows
     * must close all the same once the others are idle); chunks of a live run.
     */
    public record Size(int devices, int hours, int episodes, int anchorSites, int malformedCopies, boolean emptyPartition,
                       int liveChunks) {
        public static final Size SHORT = new Size(12, 2, 6, 3, 1, false, 12);
        public static final Size LONG = new Size(40, 4, 20, 10, 3, true, 40);
    }

    private final Random random;
    private final int partitions;
    private final long start;
    private final long end;
    private final Size size;
    private final Layout layout;
    private final Map<String, Integer> partitionOf = new LinkedHashMap<>();
    private final Map<Integer, List<String>> devicesOf = new HashMap<>();
    private final int fed;

    private IotGenerator(long seed, int partitions, Instant base, Size size) {
        if (base.toEpochMilli() % H != 0) {
            throw new IllegalArgumentException("base must start an hour: " + base);
        }
        this.random = new Random(seed);
        this.partitions = partitions;
        this.start = base.toEpochMilli();
        this.end = start + size.hours() * H;
        this.size = size;
        this.layout = new Layout(partitions, TELEMETRY);
        this.fed = size.emptyPartition() && partitions > 1 ? partitions - 1 : partitions;
    }

    public static DataSet generate(long seed, int partitions, Instant base, Size size) {
        return new IotGenerator(seed, partitions, base, size).build(seed);
    }

    private Rec reading(String device, long time, double temperature, String... tags) {
        ObjectNode node = Values.object();
        node.put("device_id", device);
        Values.putTime(node, "event_timestamp", time, random);
        node.put("temperature", temperature);
        if (random.nextInt(3) > 0) {
            node.put("humidity", Math.round(random.nextDouble() * 1000) / 10.0);
        }
        if (random.nextInt(3) > 0) {
            node.put("battery", Math.round(random.nextDouble() * 1000) / 10.0);
        }
        if (random.nextInt(100) < 5) {
            node.put("firmware", "v" + random.nextInt(3));
        }
        if (random.nextInt(8) == 0) {
            Set<String> tagged = new HashSet<>(Set.of(tags));
            tagged.add("key-not-device");
            // a gateway's key: each gateway produces to one partition, whatever device it relays
            int partition = partitionOf.get(device);
            return new Rec(TELEMETRY, partition, "gw-" + partition + "-" + random.nextInt(3), Values.text(node), false,
                    tagged);
        }
        return new Rec(TELEMETRY, partitionOf.get(device), device, Values.text(node), false, Set.of(tags));
    }

    /**
     * {@code name}, or {@code name-k} with the smallest {@code k}, whose hash places it in {@code partition}
     * of the repartition topic (as wide as the input), as the producer's default partitioner would.
     */
    private String hashedTo(String name, int partition) {
        for (int k = 0; ; k++) {
            String candidate = k == 0 ? name : name + "-" + k;
            if (Layout.partitionOf(candidate, partitions) == partition) {
                return candidate;
            }
        }
    }

    private String someDevice(int partition) {
        List<String> devices = devicesOf.get(partition);
        return devices.get(random.nextInt(devices.size()));
    }

    private DataSet build(long seed) {
        List<String> devices = new ArrayList<>();
        for (int i = 0; i < Math.max(size.devices(), fed); i++) {
            String device = String.format("d-%02d", i + 1);
            if (i % 2 == 0) {
                device = hashedTo(device, i % fed);
            }
            partitionOf.put(device, i % fed);
            devicesOf.computeIfAbsent(i % fed, p -> new ArrayList<>()).add(device);
            devices.add(device);
        }
        for (String device : devices) {
            long interval = 10 * S + random.nextInt((int) (50 * S));
            double base = 20 + random.nextDouble() * 30;
            for (long t = start + random.nextInt((int) interval); t < end; t += interval / 2 + random.nextInt((int) interval)) {
                double temperature = Math.round((base + random.nextGaussian() * 3) * 10) / 10.0;
                int draw = random.nextInt(100);
                if (draw < 3) {
                    layout.add(reading(device, t, temperature, "out-of-order"), t, t + M + random.nextInt((int) (7 * M)));
                } else if (draw < 4) {
                    layout.add(reading(device, t, temperature, "late"), t, t + 16 * M + random.nextInt((int) (20 * M)));
                } else {
                    layout.add(reading(device, t, temperature), t, t);
                }
            }
        }
        for (int e = 0; e < size.episodes(); e++) {
            episode(devices.get(random.nextInt(devices.size())), e % 3 == 2);
        }
        for (int p = 0; p < fed; p++) {
            layout.add(reading(someDevice(p), end, 30.0, "closing"), end, end);
        }
        layout.sort();
        for (int site = 0; site < size.anchorSites(); site++) {
            tieSite();
        }
        malformed(devices);
        long[] pace = new long[partitions];
        for (int p = 0; p < partitions; p++) {
            pace[p] = (random.nextInt(41) - 20) * M;
        }
        List<Rec> order = layout.productionOrder(Map.of(TELEMETRY, pace));
        List<Integer> chunks = Layout.chunks(order, Math.max(60, order.size() / size.liveChunks()));
        return new DataSet("iot", seed, partitions, Instant.ofEpochMilli(start), order, chunks, List.of());
    }

    /**
     * An overheat inside one window: 79.9, exactly 80.0 (no alert), 80.5 (OVERHEAT), 80.5 again (no
     * escalation: not above the last alerted), 82.0 (#1), 81.0 (no), 90.0 (#2); with
     * {@code crossingLate} the reading that crosses first arrives beyond the grace.
     */
    private void episode(String device, boolean crossingLate) {
        long window = start + random.nextInt((int) ((end - start) / (5 * M)) - 2) * 5 * M;
        double[] temperatures = {79.9, 80.0, 80.5, 80.5, 82.0, 81.0, 90.0};
        String[] tags = {"overheat-below", "tie-threshold", "overheat", "tie-escalation-equal", "escalation",
                "escalation-below", "escalation"};
        long t = window + random.nextInt((int) M);
        for (int k = 0; k < temperatures.length; k++) {
            t += 1 + random.nextInt((int) (30 * S));
            boolean late = crossingLate && k == 2;
            layout.add(reading(device, t, temperatures[k], late ? "overheat-late" : tags[k]), t,
                    late ? t + 20 * M + random.nextInt((int) (10 * M)) : t);
        }
    }

    /** Ties at the grace bound, where the partition stream time is exactly the aligned instant A. */
    private void tieSite() {
        int p = random.nextInt(fed);
        long a = start + 20 * M + random.nextInt((int) ((end - start - 30 * M) / (5 * M))) * 5 * M;
        int at = layout.anchor(reading(someDevice(p), a, 40.0, "anchor", "window-start"), a);
        layout.insert(at, reading(someDevice(p), a - 10 * M - 1, 85.0, "tie-grace-late"), a - 10 * M - 1);
        layout.insert(at, reading(someDevice(p), a - 10 * M, 86.0, "tie-grace-ontime"), a - 10 * M);
    }

    private void malformed(List<String> devices) {
        for (int copy = 0; copy < size.malformedCopies(); copy++) {
            String device = devices.get(random.nextInt(devices.size()));
            long t = start + (long) (random.nextDouble() * (end - start));
            Map<String, String> bad = new LinkedHashMap<>();
            bad.put("not-json", "reading of " + device);
            bad.put("empty", "");
            bad.put("json-array", "[1,2,3]");
            bad.put("missing-device_id", Values.without(good(device, t), "device_id"));
            bad.put("missing-event_timestamp", Values.without(good(device, t), "event_timestamp"));
            bad.put("null-temperature", Values.with(good(device, t), node -> node.putNull("temperature")));
            bad.put("string-temperature", Values.with(good(device, t), node -> node.put("temperature", "85.0")));
            bad.put("number-device_id", Values.with(good(device, t), node -> node.put("device_id", 7)));
            bad.put("unparseable-timestamp", Values.with(good(device, t), node -> node.put("event_timestamp", "now")));
            bad.put("far-future", Values.with(good(device, t), node -> node.put("event_timestamp",
                    Instant.ofEpochMilli(t).plus(Duration.ofDays(365L * 50)).toString())));
            bad.put("before-1970", Values.with(good(device, t), node -> node.put("event_timestamp", "1969-07-20T20:17:40Z")));
            bad.put("negative-humidity", Values.with(good(device, t), node -> node.put("humidity", -5.0)));
            bad.put("negative-battery", Values.with(good(device, t), node -> node.put("battery", -1.0)));
            bad.put("oversize", Values.with(good(device, t), node -> node.put("note", "x".repeat(100_000))));
            bad.forEach((kind, value) -> layout.scatter(new Rec(TELEMETRY, partitionOf.get(device), device, value, true,
                    Set.of("malformed", "malformed-reading-" + kind)), random));
        }
    }

    private ObjectNode good(String device, long t) {
        ObjectNode node = Values.object();
        node.put("device_id", device);
        node.put("event_timestamp", Instant.ofEpochMilli(t).toString());
        node.put("temperature", 95.0);
        return node;
    }
}
