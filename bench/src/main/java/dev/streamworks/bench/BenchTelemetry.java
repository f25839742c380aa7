package dev.streamworks.bench;

import java.time.Instant;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * IoT readings for the bench: every device in turn (so each device's readings are in
 * event-time order), valid JSON only. One device in ten runs hot (above the 80 °C threshold
 * now and then), so the alert path does work too. Correlation key: device and 5-minute window
 * of {@code device-stats-5m}.
 */
public final class BenchTelemetry implements BenchTraffic {

    static final long WINDOW_MS = 5 * 60_000L;

    private final int devices;
    private final SplittableRandom random;
    private final String[] deviceIds;
    private long sent;

    public BenchTelemetry(int devices, long seed) {
        if (devices < 1) {
            throw new IllegalArgumentException("devices must be positive");
        }
        this.devices = devices;
        this.random = new SplittableRandom(seed);
        this.deviceIds = new String[devices];
        for (int i = 0; i < devices; i++) {
            deviceIds[i] = String.format(Locale.ROOT, "bench-%05d", i);
        }
    }

    @Override
    public Generated next(long eventTimeMs) {
        int index = (int) (sent++ % devices);
        String device = deviceIds[index];
        double temperature = index % 10 == 3 ? 70 + random.nextDouble() * 15 : 18 + random.nextDouble() * 12;
        StringBuilder value = new StringBuilder(128).append("{\"device_id\":\"").append(device)
                .append("\",\"event_timestamp\":\"").append(Instant.ofEpochMilli(eventTimeMs))
                .append("\",\"temperature\":").append(round2(temperature))
                .append(",\"humidity\":").append(round2(30 + random.nextDouble() * 40))
                .append(",\"battery\":").append(round2(100 - (sent % 1000) / 10.0)).append('}');
        return new Generated(device, value.toString(),
                BenchTraffic.correlationKey(device, BenchTraffic.windowStart(eventTimeMs, WINDOW_MS)));
    }

    private static double round2(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
