package dev.streamworks.bench;

import dev.streamworks.devstack.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The command line (picocli: {@code --help}, {@code --version}). Every option has a default, so
 * {@code ./bench.sh} alone runs the full set.
 *
 * @param pipelines        services to measure ({@code iot}, {@code clicks-per-product}, {@code clickstream}, {@code fraud})
 * @param modes            {@code drain} and/or {@code latency}
 * @param guarantees       {@code exactly_once_v2} and/or {@code at_least_once}
 * @param events           backlog size per drain run
 * @param runs             runs of each scenario (min/median/max over them)
 * @param rate             events per second of the latency run
 * @param warmup           latency run: generated but not measured
 * @param duration         latency run: measured
 * @param backlogSpan      event time covered by the backlog, ending now
 * @param partitions       partitions of the input topic (the services' default is 6)
 * @param bootstrapServers an external broker, or null for a fresh in-process one per run
 * @param report           BENCHMARKS.md to update, or null
 * @param waitIdle         wait at most this long for the load average to fall below {@code idleLoad}
 * @param idleLoad         the load average counted as idle
 * @param profile          record the service with JFR (first run of each scenario) and summarise it
 * @param jvmOptions       extra JVM options for the service processes
 * @param serviceArgs      extra arguments for the service processes
 * @param repository       the repository root (service jars, mvnw)
 * @param drainTimeout     a drain that takes longer fails; null: the larger of 3 min and 1 s per 2,000 events
 * @param page             hold the live page open on the service during each drain (what it costs)
 * @param lateShare        share of each drain backlog made truly late (0: the in-order backlog), see {@link LateInjection}
 */
public record BenchOptions(List<String> pipelines, List<String> modes, List<String> guarantees, int events, int runs,
                           int rate, Duration warmup, Duration duration, Duration backlogSpan, int partitions,
                           String bootstrapServers, Path report, Duration waitIdle, double idleLoad, boolean profile,
                           List<String> jvmOptions, List<String> serviceArgs, Path repository,
                           Duration drainTimeout, boolean page, double lateShare) {

    public static final String EXACTLY_ONCE = "exactly_once_v2";
    public static final String AT_LEAST_ONCE = "at_least_once";

    /**
     * The options as picocli reads them ({@code --name=value} or {@code --name value}); values are
     * checked and converted by {@link #parse}, which says what is wrong in the bench's own words.
     */
    @Command(name = "bench.sh", mixinStandardHelpOptions = true, versionProvider = Version.class,
            sortOptions = false, usageHelpAutoWidth = true,
            description = "Measures throughput, latency and memory of the services on a real broker, each service "
                    + "in its own process. Every option has a default: ./bench.sh alone runs the full set.")
    static final class Cli {

        @Option(names = "--pipelines", paramLabel = "LIST", description = "services to measure: iot, clicks-per-product, "
                + "clickstream, fraud (default: all four; clicks-per-product = clickstream computing only that output; "
                + "--peer=spark skips fraud)")
        String pipelines;
        @Option(names = "--modes", paramLabel = "LIST", description = "what to measure: drain, latency (default: both)")
        String modes;
        @Option(names = "--guarantees", paramLabel = "LIST",
                description = "exactly_once_v2, at_least_once (default: both)")
        String guarantees;
        @Option(names = "--events", paramLabel = "N", description = "backlog per drain run (default 1000000)")
        String events;
        @Option(names = "--runs", paramLabel = "N", description = "runs per scenario: min/median/max (default 3)")
        String runs;
        @Option(names = "--rate", paramLabel = "N", description = "events/s of the latency run (default 10000)")
        String rate;
        @Option(names = "--warmup", paramLabel = "DURATION", description = "latency run: unmeasured time (default 10s)")
        String warmup;
        @Option(names = "--duration", paramLabel = "DURATION", description = "latency run: measured time (default 60s)")
        String duration;
        @Option(names = "--backlog-span", paramLabel = "DURATION",
                description = "event time the backlog covers, ending now (default 1h)")
        String backlogSpan;
        @Option(names = "--late-share", paramLabel = "FRACTION",
                description = "share of each drain backlog made truly late (50 min before its place, late for every "
                        + "window + grace), checked against the late topic after the drain (default 0)")
        String lateShare;
        @Option(names = "--drain-timeout", paramLabel = "DURATION",
                description = "a longer drain fails (default: 3m or 1 s per 2,000 events)")
        String drainTimeout;
        @Option(names = "--partitions", paramLabel = "N", description = "partitions of the input topic (default 6)")
        String partitions;
        @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
                description = "an external broker (default: a fresh in-process one per run)")
        String bootstrapServers;
        @Option(names = "--report", paramLabel = "FILE", description = "where to write the results (default BENCHMARKS.md)")
        String report;
        @Option(names = "--no-report", description = "console only")
        boolean noReport;
        @Option(names = "--wait-idle", paramLabel = "DURATION",
                description = "wait at most this long for the 1-min load average to fall below --idle-load (default 20m)")
        String waitIdle;
        @Option(names = "--idle-load", paramLabel = "LOAD", description = "the load average counted as idle (default 1.0)")
        String idleLoad;
        @Option(names = "--profile", description = "JFR on the service (first run of each scenario), summarised")
        boolean profile;
        @Option(names = "--page", description = "hold the live page open on the service during each drain, "
                + "and report what it costs")
        boolean page;
        @Option(names = "--jvm-opt", paramLabel = "OPTION", description = "extra JVM option for the services (repeatable)")
        List<String> jvmOptions = new ArrayList<>();
        @Option(names = "--service-arg", paramLabel = "--KEY=VALUE",
                description = "extra service argument (repeatable)")
        List<String> serviceArgs = new ArrayList<>();
    }

    /** The command line, ready to parse or print its usage. */
    public static CommandLine cli() {
        return new CommandLine(new Cli());
    }

    public static BenchOptions defaults(Path repository) {
        return new BenchOptions(List.of("iot", "clicks-per-product", "clickstream", "fraud"), List.of("drain", "latency"),
                List.of(EXACTLY_ONCE, AT_LEAST_ONCE), 1_000_000, 3, 10_000, Duration.ofSeconds(10),
                Duration.ofSeconds(60), Duration.ofHours(1), 6, null, repository.resolve("BENCHMARKS.md"),
                Duration.ofMinutes(20), 1.0, false, List.of(), List.of(), repository, null, false, 0);
    }

    /** Parses the options over the defaults; throws IllegalArgumentException with the reason. */
    public static BenchOptions parse(String[] args, Path repository) {
        CommandLine commandLine = cli();
        try {
            commandLine.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return of(commandLine.getCommand(), repository);
    }

    /** The options {@code c} read, over the defaults. */
    static BenchOptions of(Cli c, Path repository) {
        BenchOptions d = defaults(repository);
        Duration backlogSpan = c.backlogSpan == null ? d.backlogSpan : duration("backlog-span", c.backlogSpan, false);
        return new BenchOptions(
                c.pipelines == null ? d.pipelines : list("pipelines", c.pipelines, Pipeline.ALL.keySet()),
                c.modes == null ? d.modes : list("modes", c.modes, Set.of("drain", "latency")),
                c.guarantees == null ? d.guarantees : list("guarantees", c.guarantees, Set.of(EXACTLY_ONCE, AT_LEAST_ONCE)),
                c.events == null ? d.events : positive("events", c.events),
                c.runs == null ? d.runs : positive("runs", c.runs),
                c.rate == null ? d.rate : positive("rate", c.rate),
                c.warmup == null ? d.warmup : duration("warmup", c.warmup, true),
                c.duration == null ? d.duration : duration("duration", c.duration, false),
                backlogSpan,
                c.partitions == null ? d.partitions : positive("partitions", c.partitions),
                c.bootstrapServers == null ? d.bootstrapServers : required("bootstrap-servers", c.bootstrapServers),
                c.noReport ? null : c.report == null ? d.report : repository.resolve(required("report", c.report)),
                c.waitIdle == null ? d.waitIdle : duration("wait-idle", c.waitIdle, true),
                c.idleLoad == null ? d.idleLoad : positiveDouble("idle-load", c.idleLoad),
                c.profile,
                List.copyOf(c.jvmOptions), List.copyOf(c.serviceArgs), repository,
                c.drainTimeout == null ? d.drainTimeout : duration("drain-timeout", c.drainTimeout, false), c.page,
                c.lateShare == null ? d.lateShare : lateShare(c.lateShare, backlogSpan));
    }

    /** These options with another backlog size (a side-by-side run measures several). */
    public BenchOptions withEvents(int events) {
        return new BenchOptions(pipelines, modes, guarantees, events, runs, rate, warmup, duration, backlogSpan,
                partitions, bootstrapServers, report, waitIdle, idleLoad, profile, jvmOptions, serviceArgs, repository,
                drainTimeout, page, lateShare);
    }

    /** How long a drain may take before it fails. */
    public Duration drainTimeoutOrDefault() {
        return drainTimeout != null ? drainTimeout : Duration.ofSeconds(Math.max(180, events / 2000));
    }

    private static String required(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + name + " needs a value");
        }
        return value;
    }

    private static List<String> list(String name, String value, Set<String> allowed) {
        Set<String> items = new LinkedHashSet<>();
        for (String item : required(name, value).split(",")) {
            String trimmed = item.trim().toLowerCase(Locale.ROOT);
            if (!allowed.contains(trimmed)) {
                throw new IllegalArgumentException("--" + name + ": unknown value '" + item + "', expected one of "
                        + new java.util.TreeSet<>(allowed));
            }
            items.add(trimmed);
        }
        return List.copyOf(items);
    }

    private static int positive(String name, String value) {
        try {
            int parsed = Integer.parseInt(required(name, value).replace("_", "").replace(",", ""));
            if (parsed < 1) {
                throw new IllegalArgumentException("--" + name + " must be positive");
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": not a number: " + value);
        }
    }

    /** A share in [0, 1) that the backlog can hold late: only events at least LateInjection.OFFSET after its start. */
    private static double lateShare(String value, Duration backlogSpan) {
        double parsed;
        try {
            parsed = Double.parseDouble(required("late-share", value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--late-share: not a number: " + value);
        }
        if (!(parsed >= 0 && parsed < 1)) {
            throw new IllegalArgumentException("--late-share must be at least 0 and below 1: " + value);
        }
        double max = LateInjection.maxShare(backlogSpan);
        if (parsed > max) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--late-share=%s does not fit a backlog "
                    + "spanning %s: only events at least %s after its start can be made late (at most %.3f); "
                    + "a longer --backlog-span", value, format(backlogSpan), format(LateInjection.OFFSET), max));
        }
        return parsed;
    }

    private static double positiveDouble(String name, String value) {
        try {
            double parsed = Double.parseDouble(required(name, value));
            if (!(parsed > 0)) {
                throw new IllegalArgumentException("--" + name + " must be positive");
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": not a number: " + value);
        }
    }

    /** {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}. */
    static Duration duration(String name, String value, boolean zeroAllowed) {
        String text = required(name, value).trim().toLowerCase(Locale.ROOT);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)").matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("--" + name + ": expected a duration like 500ms, 10s, 2m, 1h: " + value);
        }
        long amount = Long.parseLong(m.group(1));
        Duration parsed = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
        if (parsed.isZero() && !zeroAllowed) {
            throw new IllegalArgumentException("--" + name + " must be positive");
        }
        return parsed;
    }

    /** The command line that reproduces these options (for the report). */
    public String commandLine() {
        StringBuilder line = new StringBuilder("./bench.sh");
        line.append(" --pipelines=").append(String.join(",", pipelines));
        line.append(" --modes=").append(String.join(",", modes));
        line.append(" --guarantees=").append(String.join(",", guarantees));
        if (modes.contains("drain")) {
            line.append(" --events=").append(events).append(" --backlog-span=").append(format(backlogSpan));
            if (drainTimeout != null) {
                line.append(" --drain-timeout=").append(format(drainTimeout));
            }
            if (lateShare > 0) {
                line.append(" --late-share=").append(lateShare);
            }
        }
        if (modes.contains("latency")) {
            line.append(" --rate=").append(rate).append(" --warmup=").append(format(warmup))
                    .append(" --duration=").append(format(duration));
        }
        line.append(" --runs=").append(runs);
        if (partitions != 6) {
            line.append(" --partitions=").append(partitions);
        }
        if (bootstrapServers != null) {
            line.append(" --bootstrap-servers=").append(bootstrapServers);
        }
        if (profile) {
            line.append(" --profile");
        }
        if (page) {
            line.append(" --page");
        }
        jvmOptions.forEach(opt -> line.append(" --jvm-opt=").append(opt));
        serviceArgs.forEach(arg -> line.append(" --service-arg=").append(arg));
        return line.toString();
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
