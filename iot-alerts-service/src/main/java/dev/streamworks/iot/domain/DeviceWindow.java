package dev.streamworks.iot.domain;

/**
 * The running figures of one device in one window, and what has been alerted in it.
 *
 * @param count        readings counted
 * @param sum          sum of their temperatures
 * @param min          lowest temperature
 * @param max          highest temperature
 * @param alertedMax   the maximum last alerted on; {@code NaN} before the first alert
 * @param escalations  {@code OVERHEAT_ESCALATED} alerts sent so far
 */
public record DeviceWindow(long count, double sum, double min, double max, double alertedMax, int escalations) {

    public static DeviceWindow empty() {
        return new DeviceWindow(0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 0);
    }

    public double avg() {
        return count == 0 ? Double.NaN : sum / count;
    }

    public boolean alerted() {
        return !Double.isNaN(alertedMax);
    }

    /**
     * Counts one reading and decides, from the figures right after it, whether it alerts:
     * {@code OVERHEAT} when it first takes the maximum above the threshold,
     * {@code OVERHEAT_ESCALATED} when it raises the maximum above the last alerted one.
     */
    public Update add(double temperature, double threshold) {
        DeviceWindow counted = new DeviceWindow(count + 1, sum + temperature, Math.min(min, temperature),
                Math.max(max, temperature), alertedMax, escalations);
        if (!alerted() && counted.max > threshold) {
            return new Update(counted.withAlertedMax(counted.max, escalations), AlertType.OVERHEAT);
        }
        if (alerted() && counted.max > alertedMax) {
            return new Update(counted.withAlertedMax(counted.max, escalations + 1), AlertType.OVERHEAT_ESCALATED);
        }
        return new Update(counted, null);
    }

    private DeviceWindow withAlertedMax(double newAlertedMax, int newEscalations) {
        return new DeviceWindow(count, sum, min, max, newAlertedMax, newEscalations);
    }

    /** The window after a reading, and the alert that reading raised ({@code null}: none). */
    public record Update(DeviceWindow window, AlertType alert) {
    }
}
