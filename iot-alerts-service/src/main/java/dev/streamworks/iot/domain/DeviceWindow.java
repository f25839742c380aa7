package dev.streamworks.iot.domain;

import dev.streamworks.common.streams.Window;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The running figures of one device in one window, and the alerts raised in it.
 *
 * @param count   readings counted
 * @param sum     sum of their temperatures
 * @param min     lowest temperature
 * @param max     highest temperature
 * @param alerts  the alerts raised in the window, in order: the first is the {@code OVERHEAT}, each
 *                later one an {@code OVERHEAT_ESCALATED}, each with the window's figures right after
 *                the reading that raised it
 */
public record DeviceWindow(long count, double sum, double min, double max, List<Raised> alerts) {

    /** What an alert reported: the window's figures right after the reading, and that reading's time. */
    public record Raised(double maxTemp, double avgTemp, long numReadings, long eventTimeMs) {
    }

    public DeviceWindow {
        alerts = List.copyOf(alerts);
    }

    public static DeviceWindow empty() {
        return new DeviceWindow(0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, List.of());
    }

    public double avg() {
        return count == 0 ? Double.NaN : sum / count;
    }

    public boolean alerted() {
        return !alerts.isEmpty();
    }

    /** The maximum last alerted on; {@code NaN} before the first alert. */
    public double alertedMax() {
        return alerts.isEmpty() ? Double.NaN : alerts.get(alerts.size() - 1).maxTemp();
    }

    /** {@code OVERHEAT_ESCALATED} alerts raised so far. */
    public int escalations() {
        return Math.max(0, alerts.size() - 1);
    }

    /**
     * Counts one reading and decides, from the figures right after it, whether it alerts:
     * {@code OVERHEAT} when it first takes the maximum above the threshold (strictly),
     * {@code OVERHEAT_ESCALATED} when it raises the maximum above the last alerted one.
     */
    public Update add(double temperature, double threshold, Instant eventTime) {
        DeviceWindow counted = new DeviceWindow(count + 1, sum + temperature, Math.min(min, temperature),
                Math.max(max, temperature), alerts);
        AlertType alert = !alerted() && counted.max > threshold ? AlertType.OVERHEAT
                : alerted() && counted.max > alertedMax() ? AlertType.OVERHEAT_ESCALATED : null;
        if (alert == null) {
            return new Update(counted, null);
        }
        List<Raised> raised = new ArrayList<>(alerts);
        raised.add(new Raised(counted.max, counted.avg(), counted.count, eventTime.toEpochMilli()));
        return new Update(new DeviceWindow(counted.count, counted.sum, counted.min, counted.max, raised), alert);
    }

    /** The alerts raised in this window of {@code deviceId}, as {@code device-alerts} records, oldest first. */
    public List<DeviceAlert> alertsOf(String deviceId, Window window, double threshold) {
        List<DeviceAlert> result = new ArrayList<>(alerts.size());
        for (int n = 0; n < alerts.size(); n++) {
            result.add(DeviceAlert.of(deviceId, window, n, alerts.get(n), threshold));
        }
        return result;
    }

    /** The last alert raised, as a {@code device-alerts} record; {@code null} when none. */
    public DeviceAlert lastAlert(String deviceId, Window window, double threshold) {
        return alerts.isEmpty() ? null
                : DeviceAlert.of(deviceId, window, alerts.size() - 1, alerts.get(alerts.size() - 1), threshold);
    }

    /** The window after a reading, and the alert that reading raised ({@code null}: none). */
    public record Update(DeviceWindow window, AlertType alert) {
    }
}
