package dev.streamworks.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Minimum, median and maximum of one figure over several runs. */
public record Summary(double min, double median, double max, int runs) {

    public static Summary of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Summary(sorted.get(0), median, sorted.get(n - 1), n);
    }

    /** "median (min–max)" with the given format, or just the value for one run. */
    public String format(String pattern) {
        String med = String.format(java.util.Locale.ROOT, pattern, median);
        if (runs == 1) {
            return med;
        }
        return med + " (" + String.format(java.util.Locale.ROOT, pattern, min) + "–"
                + String.format(java.util.Locale.ROOT, pattern, max) + ")";
    }
}
