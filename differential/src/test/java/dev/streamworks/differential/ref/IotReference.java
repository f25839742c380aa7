package dev.streamworks.differential.ref;

import dev.streamworks.differential.gen.DataSet;
import dev.streamworks.differential.gen.Rec;
import tools.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.TreeMap;

/**
 * iot-alerts-service's outputs for an input, as a plain batch over the records: docs/semantics.md
 * sections 1-3, 5 and 7, CONTRACTS.md section 3 (the negative humidity and battery rule is the
 * service README's). Nothing shared with the service.
 */
public final class IotReference {

    public static final String TELEMETRY = "iot-telemetry";
    public static final String STATS = "device-stats-5m";
    public static final String ALERTS = "device-alerts";
    public static final String LATE = "iot-alerts.late";
    public static final String DLQ = "iot-alerts.dlq";

    static final long SIZE = 5 * 60_000;
    static final long GRACE = 10 * 60_000;
    static final double THRESHOLD = 80.0;

    private record Reading(Rec rec, String device, long time, double temperature, long rwm) {
    }

    /** A device-window: its figures and the alert state. */
    private static final class Window {
        long count;
        double sum;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        Double alerted;
        int escalations;
    }

    private final Contract contract;

    private IotReference(Contract.Settings settings) {
        this.contract = new Contract(settings);
    }

    public static boolean isBad(Rec rec, Contract.Settings settings) {
        try {
            new IotReference(settings).reading(rec, new Rwm());
            return false;
        } catch (Contract.Bad bad) {
            return true;
        }
    }

    private Reading reading(Rec rec, Rwm rwm) throws Contract.Bad {
        ObjectNode node = contract.object(rec.value());
        String device = Contract.string(node, "device_id");
        long time = contract.time(node, "event_timestamp");
        double temperature = Contract.number(node, "temperature", true, false).doubleValue();
        Contract.number(node, "humidity", false, true);
        Contract.number(node, "battery", false, true);
        return new Reading(rec, device, time, temperature, rwm.read(rec.topic(), rec.partition(), time));
    }

    public static Expected compute(DataSet data, Contract.Settings settings) {
        return new IotReference(settings).run(data);
    }

    private Expected run(DataSet data) {
        Expected out = new Expected()
                .declare(STATS, Expected.Mode.MULTISET)
                .declare(ALERTS, Expected.Mode.MULTISET)
                .declare(LATE, Expected.Mode.MULTISET)
                .declare(DLQ, Expected.Mode.MULTISET);
        Rwm rwm = new Rwm();
        Map<String, Map<Long, Window>> windows = new TreeMap<>();
        for (Rec rec : data.all()) {
            Reading reading;
            try {
                reading = reading(rec, rwm);
            } catch (Contract.Bad bad) {
                out.add(DLQ, new Out(rec.key(), ClickstreamReference.text(rec.value()), null));
                continue;
            }
            long start = ClickstreamReference.floor(reading.time(), SIZE);
            if (start + SIZE + GRACE <= reading.rwm()) {
                out.add(LATE, new Out(rec.key(), ClickstreamReference.text(rec.value()), STATS));
                out.add(LATE, new Out(rec.key(), ClickstreamReference.text(rec.value()), ALERTS));
                continue;
            }
            Window window = windows.computeIfAbsent(reading.device(), d -> new TreeMap<>())
                    .computeIfAbsent(start, s -> new Window());
            double before = window.max;
            window.count++;
            window.sum += reading.temperature();
            window.min = Math.min(window.min, reading.temperature());
            window.max = Math.max(window.max, reading.temperature());
            if (window.alerted == null && window.max > THRESHOLD && window.max > before) {
                window.alerted = window.max;
                out.add(ALERTS, new Out(reading.device(), alert(reading, start, window, "OVERHEAT", ""), null));
            } else if (window.alerted != null && window.max > window.alerted) {
                window.alerted = window.max;
                window.escalations++;
                out.add(ALERTS, new Out(reading.device(), alert(reading, start, window, "OVERHEAT_ESCALATED",
                        "#" + window.escalations), null));
            }
        }
        long watermark = rwm.largest(TELEMETRY);
        windows.forEach((device, byStart) -> byStart.forEach((start, window) -> {
            if (start + SIZE + GRACE <= watermark) {
                ObjectNode value = Contract.MAPPER.createObjectNode();
                value.set("window", ClickstreamReference.window(start, start + SIZE));
                value.put("device_id", device);
                value.put("avg_temp", window.sum / window.count);
                value.put("max_temp", window.max);
                value.put("min_temp", window.min);
                value.put("num_readings", window.count);
                out.add(STATS, new Out(device, value, null));
            }
        }));
        return out;
    }

    private static ObjectNode alert(Reading reading, long start, Window window, String type, String suffix) {
        ObjectNode value = Contract.MAPPER.createObjectNode();
        value.put("alert_id", reading.device() + "@" + Contract.iso(start) + suffix);
        value.put("alert_type", type);
        value.put("device_id", reading.device());
        value.set("window", ClickstreamReference.window(start, start + SIZE));
        value.put("max_temp", window.max);
        value.put("avg_temp", window.sum / window.count);
        value.put("num_readings", window.count);
        value.put("threshold", THRESHOLD);
        value.put("event_timestamp", Contract.iso(reading.time()));
        return value;
    }
}
