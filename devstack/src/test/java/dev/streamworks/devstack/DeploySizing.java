package dev.streamworks.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory sizing of each service as {@code deploy/README.md} states it (section "Memory": heap,
 * RocksDB pool, peak resident memory measured at 10,000 events/s, limit), and byte arithmetic on
 * the notations the manifests use ({@code 512m}, {@code 256MB}, {@code 1536Mi}, {@code 1g}).
 */
record DeploySizing(String service, long heapBytes, long rocksDbBytes, Long measuredPeakBytes, long limitBytes) {

    private static final Pattern QUANTITY = Pattern.compile("([0-9][0-9,.]*)\\s*([A-Za-z]*)");

    /** The rows of the sizing table, by service. */
    static Map<String, DeploySizing> fromReadme() {
        String readme;
        try {
            readme = Files.readString(DeployFiles.DEPLOY.resolve("README.md"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, DeploySizing> rows = new LinkedHashMap<>();
        boolean inTable = false;
        for (String line : readme.split("\n")) {
            if (line.startsWith("| service | heap")) {
                inTable = true;
                continue;
            }
            if (inTable && !line.startsWith("|")) {
                break;
            }
            if (inTable && !line.startsWith("|---")) {
                List<String> cells = List.of(line.substring(1, line.length() - 1).split("\\|")).stream()
                        .map(cell -> cell.replace("`", "").trim()).toList();
                String peak = cells.get(3);
                rows.put(cells.get(0), new DeploySizing(cells.get(0), bytes(cells.get(1)), bytes(cells.get(2)),
                        peak.startsWith("not measured") ? null : bytes(peak.split(" ")[0] + " MiB"),
                        bytes(cells.get(4))));
            }
        }
        return rows;
    }

    /**
     * Bytes of a quantity in any of the notations used: JVM ({@code 512m}), Docker ({@code 1g}),
     * Kubernetes ({@code 1536Mi}), Spring's DataSize ({@code 256MB}, binary as Spring reads it).
     */
    static long bytes(String quantity) {
        Matcher m = QUANTITY.matcher(quantity.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a quantity: " + quantity);
        }
        double number = Double.parseDouble(m.group(1).replace(",", ""));
        long unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1L;
            case "k", "ki", "kb", "kib" -> 1L << 10;
            case "m", "mi", "mb", "mib" -> 1L << 20;
            case "g", "gi", "gb", "gib" -> 1L << 30;
            default -> throw new IllegalArgumentException("unknown unit in " + quantity);
        };
        return (long) (number * unit);
    }

    /** The {@code -Xmx} of a JVM option line. */
    static long heapOf(String javaToolOptions) {
        Matcher m = Pattern.compile("-Xmx(\\S+)").matcher(javaToolOptions);
        if (!m.find()) {
            throw new IllegalArgumentException("no -Xmx in " + javaToolOptions);
        }
        return bytes(m.group(1));
    }
}
