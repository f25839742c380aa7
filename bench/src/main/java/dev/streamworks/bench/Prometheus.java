package dev.streamworks.bench;

/** Reads counters from Prometheus' text exposition format. */
final class Prometheus {

    private Prometheus() {
    }

    /** Sum over all series of {@code metric} (any labels); 0 when absent. */
    static long sum(String exposition, String metric) {
        double total = 0;
        for (String line : exposition.split("\n")) {
            if (line.isEmpty() || line.charAt(0) == '#' || !line.startsWith(metric)) {
                continue;
            }
            int after = metric.length();
            if (line.length() > after && line.charAt(after) != '{' && line.charAt(after) != ' ') {
                continue; // a longer metric name with this prefix
            }
            int valueStart = line.charAt(after) == '{' ? line.indexOf('}', after) + 1 : after;
            String[] parts = line.substring(valueStart).trim().split("\\s+");
            total += Double.parseDouble(parts[0]);
        }
        return Math.round(total);
    }
}
