package dev.streamworks.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The options of a side-by-side run ({@code --peer=spark}), taken out of the command line before
 * {@link BenchOptions} parses the rest, so the bench's own options stay as they are.
 * <p>
 * With {@code --peer}, {@code --events} may be repeated (one table row per backlog size and
 * pipeline); {@code --modes} defaults to (and must be) {@code drain}; {@code --guarantees}
 * defaults to {@code exactly_once_v2} and takes one value.
 *
 * @param peer              the other stream processor ({@code spark})
 * @param events            the backlog sizes, in the order given
 * @param shufflePartitions Spark's {@code spark.sql.shuffle.partitions}
 * @param sink              where Spark writes its outputs: {@code kafka} (topics {@code spark.<output>}) or {@code noop}
 * @param sparkConf         extra Spark settings, {@code key=value}
 */
public record PeerOptions(String peer, List<Integer> events, int shufflePartitions, String sink,
                          List<String> sparkConf) {

    public static final String USAGE = """
            Side by side with Spark (drain only; needs the Maven profile `spark`, built on first use):
              --peer=spark                       also drain each backlog with Spark Structured Streaming
                                                 (local[2], Trigger.AvailableNow) on the same broker; one
                                                 table: both timed from process launch to drained
              --events=1000000 --events=5000000  with --peer: repeat for several backlog sizes
              --spark-shuffle-partitions=6       spark.sql.shuffle.partitions
              --spark-sink=kafka                 kafka (topics spark.<output>) or noop
              --spark-conf=key=value             extra Spark setting (repeatable)
            """;

    /** The bench's options that take no value. */
    private static final java.util.Set<String> FLAGS = java.util.Set.of("--no-report", "--profile", "--page", "--help",
            "--version");

    /** The peer's options (null without {@code --peer}) and the arguments left for {@link BenchOptions}. */
    public record Split(PeerOptions peer, String[] rest) {
    }

    public static Split split(String[] args) {
        String peer = null;
        List<Integer> events = new ArrayList<>();
        int shufflePartitions = 6;
        String sink = "kafka";
        List<String> conf = new ArrayList<>();
        boolean sparkOption = false;
        boolean modes = false;
        boolean guarantees = false;
        List<String> rest = new ArrayList<>();
        args = joined(args);
        for (String arg : args) {
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            String value = eq < 0 ? null : arg.substring(eq + 1);
            switch (name) {
                case "--peer" -> {
                    if (!"spark".equals(value)) {
                        throw new IllegalArgumentException("--peer: only spark is supported");
                    }
                    peer = value;
                }
                case "--spark-shuffle-partitions" -> {
                    shufflePartitions = positive(name, value);
                    sparkOption = true;
                }
                case "--spark-sink" -> {
                    if (!"kafka".equals(value) && !"noop".equals(value)) {
                        throw new IllegalArgumentException("--spark-sink: kafka or noop");
                    }
                    sink = value;
                    sparkOption = true;
                }
                case "--spark-conf" -> {
                    if (value == null || value.indexOf('=') < 1) {
                        throw new IllegalArgumentException("--spark-conf: expected key=value");
                    }
                    conf.add(value);
                    sparkOption = true;
                }
                case "--events" -> {
                    events.add(positive(name, value));
                    rest.add(arg);
                }
                case "--modes" -> {
                    modes = true;
                    rest.add(arg);
                    if (peer(args) && !"drain".equals(value)) {
                        throw new IllegalArgumentException("--peer compares drains only: --modes=drain");
                    }
                }
                case "--guarantees" -> {
                    guarantees = true;
                    rest.add(arg);
                    if (peer(args) && (value == null || value.contains(","))) {
                        throw new IllegalArgumentException("--peer takes one guarantee");
                    }
                }
                default -> rest.add(arg);
            }
        }
        if (peer == null) {
            if (sparkOption) {
                throw new IllegalArgumentException("the --spark-* options need --peer=spark");
            }
            return new Split(null, args.clone());
        }
        if (!modes) {
            rest.add("--modes=drain");
        }
        if (!guarantees) {
            rest.add("--guarantees=" + BenchOptions.EXACTLY_ONCE);
        }
        if (events.isEmpty()) {
            events.add(BenchOptions.defaults(java.nio.file.Path.of(".")).events());
        } else {
            // BenchOptions keeps the last --events; the peer run sets each size in turn
            rest.removeIf(a -> a.startsWith("--events="));
            rest.add("--events=" + events.get(0));
        }
        return new Split(new PeerOptions(peer, List.copyOf(events), shufflePartitions, sink, List.copyOf(conf)),
                rest.toArray(String[]::new));
    }

    /** The command line with every {@code --name value} written {@code --name=value}, as picocli accepts both. */
    private static String[] joined(String[] args) {
        List<String> joined = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            boolean option = arg.startsWith("--") && arg.indexOf('=') < 0;
            boolean valued = option && i + 1 < args.length && !args[i + 1].startsWith("-")
                    && !FLAGS.contains(arg);
            joined.add(valued ? arg + "=" + args[++i] : arg);
        }
        return joined.toArray(String[]::new);
    }

    private static boolean peer(String[] args) {
        for (String arg : args) {
            if (arg.startsWith("--peer=")) {
                return true;
            }
        }
        return false;
    }

    private static int positive(String name, String value) {
        try {
            int parsed = Integer.parseInt(value == null ? "" : value.replace("_", "").replace(",", ""));
            if (parsed < 1) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": not a number: " + value);
        }
    }

    /** The command line that reproduces a side-by-side run (for the report). */
    public String commandLine(BenchOptions base) {
        StringBuilder line = new StringBuilder(base.commandLine().replace(" --events=" + base.events(), ""));
        int at = line.indexOf(" --backlog-span=");
        StringBuilder sizes = new StringBuilder();
        events.forEach(e -> sizes.append(" --events=").append(e));
        if (at >= 0) {
            line.insert(at, sizes);
        } else {
            line.append(sizes);
        }
        line.append(" --peer=").append(peer);
        if (shufflePartitions != 6) {
            line.append(" --spark-shuffle-partitions=").append(shufflePartitions);
        }
        if (!sink.equals("kafka")) {
            line.append(" --spark-sink=").append(sink);
        }
        sparkConf.forEach(c -> line.append(" --spark-conf=").append(c));
        return line.toString();
    }

    /** How the peer runs, for the report. */
    public String describe(String sparkVersion) {
        return String.format(Locale.ROOT, "Spark %s, `local[2]`, `Trigger.AvailableNow`, "
                        + "`spark.sql.shuffle.partitions=%d`, outputs to %s%s", sparkVersion, shufflePartitions,
                sink.equals("kafka") ? "Kafka topics `spark.<output>`" : "the `noop` sink",
                sparkConf.isEmpty() ? "" : ", `" + String.join("`, `", sparkConf) + "`");
    }
}
