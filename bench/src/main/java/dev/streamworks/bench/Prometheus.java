package dev.streamworks.bench;

import java.util.SortedMap;
import java.util.TreeMap;

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

    /** Per value of {@code label}, the sum over the series of {@code metric} carrying it; sorted by label. */
    static SortedMap<String, Long> byLabel(String exposition, String metric, String label) {
        SortedMap<String, Long> sums = new TreeMap<>();
        String key = label + "=\"";
        for (String line : exposition.split("\n")) {
            if (!line.startsWith(metric + "{")) {
                continue;
            }
            int from = line.indexOf(key);
            int close = line.indexOf('}');
            if (from < 0 || close < 0) {
                continue;
            }
            String value = line.substring(from + key.length(), line.indexOf('"', from + key.length()));
            long count = Math.round(Double.parseDouble(line.substring(close + 1).trim().split("\\s+")[0]));
            sums.merge(value, count, Long::sum);
        }
        return sums;
    }
}
