package dev.streamworks.devstack;

import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * IoT readings as the course's device simulator sends them: most devices idle between 18 and
 * 30 °C; one device in five overheats in cycles, ramping past the 80 °C threshold and back.
 * Some readings arrive out of order (up to a minute old, within the grace period), a few far
 * too late (half an hour old: their windows have closed), and a few are broken (not JSON, a
 * missing field, a negative battery level), which the service sends to its dead-letter topic.
 */
public final class TelemetryTraffic implements Traffic {

    public static final String TOPIC = "iot-telemetry";

    private static final Duration HEAT_CYCLE = Duration.ofMinutes(4);

    private final int devices;
    private final EventClock clock;
    private final SplittableRandom random;
    private long sent;

    public TelemetryTraffic(int devices, EventClock clock, long seed) {
        this.devices = devices;
        this.clock = clock;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public String name() {
        return "iot";
    }

    static String deviceId(int index) {
        return String.format(Locale.ROOT, "sensor-%03d", index);
    }

    /** Every fifth device runs hot. */
    static boolean overheats(int index) {
        return index % 5 == 2;
    }

    @Override
    public ProducerRecord<String, String> next() {
        int index = (int) (sent++ % devices);
        String device = deviceId(index);
        Instant eventTime = clock.now();
        double roll = random.nextDouble();
        if (roll < 0.002) {
            return new ProducerRecord<>(TOPIC, device, broken(device, eventTime));
        }
        if (roll < 0.007) {
            eventTime = eventTime.minus(Duration.ofMinutes(30));
        } else if (roll < 0.057) {
            eventTime = eventTime.minusMillis(1 + random.nextLong(60_000));
        }
        double temperature = temperature(index, eventTime);
        String value = String.format(Locale.ROOT,
                "{\"device_id\":\"%s\",\"event_timestamp\":\"%s\",\"temperature\":%.2f,\"humidity\":%.1f,\"battery\":%.1f}",
                device, eventTime, temperature, 30 + random.nextDouble() * 40, 100 - (sent % 1000) / 10.0);
        return new ProducerRecord<>(TOPIC, device, value);
    }

    private double temperature(int index, Instant eventTime) {
        double noise = random.nextDouble() * 2 - 1;
        if (!overheats(index)) {
            return 18 + (index % 12) + noise;
        }
        // a triangle wave from 60 to 96 °C and back, each device at its own phase
        long cycle = HEAT_CYCLE.toMillis();
        double phase = ((eventTime.toEpochMilli() + index * 37_000L) % cycle) / (double) cycle;
        double wave = phase < 0.5 ? phase * 2 : (1 - phase) * 2;
        return 60 + 36 * wave + noise;
    }

    private String broken(String device, Instant eventTime) {
        return switch (random.nextInt(3)) {
            case 0 -> "temperature=81.5 device=" + device;
            case 1 -> "{\"device_id\":\"" + device + "\",\"event_timestamp\":\"" + eventTime + "\"}";
            default -> "{\"device_id\":\"" + device + "\",\"event_timestamp\":\"" + eventTime
                    + "\",\"temperature\":25.0,\"battery\":-3}";
        };
    }
}
