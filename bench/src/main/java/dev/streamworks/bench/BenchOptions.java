package dev.streamworks.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The command line. Every option has a default, so {@code ./bench.sh} alone runs the full set.
 *
 * @param pipelines        services to measure ({@code iot}, {@code clicks-per-product}, {@code clickstream})
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
 */
public record BenchOptions(List<String> pipelines, List<String> modes, List<String> guarantees, int events, int runs,
                           int rate, Duration warmup, Duration duration, Duration backlogSpan, int partitions,
                           String bootstrapServers, Path report, Duration waitIdle, double idleLoad, boolean profile,
                           List<String> jvmOptions, List<String> serviceArgs, Path repository,
                           Duration drainTimeout) {

    public static final String EXACTLY_ONCE = "exactly_once_v2";
    public static final String AT_LEAST_ONCE = "at_least_once";

    public static final String USAGE = """
            Usage: ./bench.sh [options]
              --pipelines=iot,clicks-per-product,clickstream   services to measure (default: all three;
                                                 clicks-per-product = clickstream computing only that output)
              --modes=drain,latency              what to measure (default: both)
              --guarantees=exactly_once_v2,at_least_once   (default: both)
              --events=1000000                   backlog per drain run
              --runs=3                           runs per scenario (min/median/max)
              --rate=10000                       events/s of the latency run
              --warmup=10s --duration=60s        latency run: unmeasured, then measured time
              --backlog-span=1h                  event time the backlog covers, ending now
              --drain-timeout=10m                a longer drain fails (default: 3m or 1 s per 2,000 events)
              --partitions=6                     partitions of the input topic
              --bootstrap-servers=host:port      an external broker (default: a fresh in-process one per run)
              --report=BENCHMARKS.md             where to write the results (--no-report: console only)
              --wait-idle=20m --idle-load=1.0    wait for the 1-min load average to fall below this first
              --profile                          JFR on the service (first run of each scenario), summarised
              --jvm-opt=-Xmx512m                 extra JVM option for the services (repeatable)
              --service-arg=--key=value          extra service argument (repeatable)
            """;

    public static BenchOptions defaults(Path repository) {
        return new BenchOptions(List.of("iot", "clicks-per-product", "clickstream"), List.of("drain", "latency"),
                List.of(EXACTLY_ONCE, AT_LEAST_ONCE), 1_000_000, 3, 10_000, Duration.ofSeconds(10),
                Duration.ofSeconds(60), Duration.ofHours(1), 6, null, repository.resolve("BENCHMARKS.md"),
                Duration.ofMinutes(20), 1.0, false, List.of(), List.of(), repository, null);
    }

    /** Parses {@code --name=value} options over the defaults; throws IllegalArgumentException with the reason. */
    public static BenchOptions parse(String[] args, Path repository) {
        BenchOptions o = defaults(repository);
        List<String> jvm = new ArrayList<>();
        List<String> serviceArgs = new ArrayList<>();
        for (String arg : args) {
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument: " + arg);
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
            String value = eq < 0 ? null : arg.substring(eq + 1);
            switch (name) {
                case "pipelines" -> o = o.with(list(name, value, Pipeline.ALL.keySet()), o.modes, o.guarantees);
                case "modes" -> o = o.with(o.pipelines, list(name, value, Set.of("drain", "latency")), o.guarantees);
                case "guarantees" -> o = o.with(o.pipelines, o.modes,
                        list(name, value, Set.of(EXACTLY_ONCE, AT_LEAST_ONCE)));
                case "events" -> o = new BenchOptions(o.pipelines, o.modes, o.guarantees, positive(name, value), o.runs,
                        o.rate, o.warmup, o.duration, o.backlogSpan, o.partitions, o.bootstrapServers, o.report,
                        o.waitIdle, o.idleLoad, o.profile, o.jvmOptions, o.serviceArgs, o.repository, o.drainTimeout);
                case "runs" -> o = new BenchOptions(o.pipelines, o.modes, o.guarantees, o.events, positive(name, value),
                        o.rate, o.warmup, o.duration, o.backlogSpan, o.partitions, o.bootstrapServers, o.report,
                        o.waitIdle, o.idleLoad, o.profile, o.jvmOptions, o.serviceArgs, o.repository, o.drainTimeout);
                case "rate" -> o = new BenchOptions(o.pipelines, o.modes, o.guarantees, o.events, o.runs,
                        positive(name, value), o.warmup, o.duration, o.backlogSpan, o.partitions, o.bootstrapServers,
                        o.report, o.waitIdle, o.idleLoad, o.profile, o.jvmOptions, o.serviceArgs, o.repository, o.drainTimeout);
                case "warmup" -> o = new BenchOptions(o.pipelines, o.modes, o.guarantees, o.events, o.runs, o.rate,
                        duration(name, value, true), o.duration, o.backlogSpan, o.partitions, o.bootstrapServers,
                        o.report, o.waitIdle, o.idleLoad, o.profile, o.jvmOptions, o.serviceArgs, o.repository, o.drainTimeout);
                case "duration" -> o = new BenchOptions(o.pipelines, o.modes, o.guarantees, o.events, o.runs, o.rate,
                        o.warmup, duration(name, value, false), o.backlogSpan, o.partitions, o.bootstrapServers,
                        o.report, o.waitIdle, o.idleLoad, o.profile, o.jvmOptions, o.serviceArgs, o.repository, o.drainTimeout);
                case "backlog-span" -> o = new BenchOptions(o.pipelines, o.modes, o.guarantees, o.events, o.runs,
                        o.rate, o.warmup, o.duration, duration(name, value, false), o.partitions, o.bootstrapServers,
                        o.report, o.waitIdle, o.idleLoad, o.profile, o.jvmOptions, o.serviceArgs, o.repository, o.drainTimeout);
                case "partitions" -> o = new BenchOptions(o.pipelines, o.modes, o.guarantees, o.events, o.runs,
                        o.rate, o.warmup, o.duration, o.backlogSpan, positive(name, value), o.bootstrapServers,
                        o.report, o.waitIdle, o.idleLoad, o.profile, o.jvmOptions, o.serviceArgs, o.repository, o.drainTimeout);
                case "bootstrap-servers" -> o = new BenchOptions(o.pipelines, o.modes, o.guarantees, o.events, o.runs,
                        o.rate, o.warmup, o.duration, o.backlogSpan, o.partitions, required(name, value), o.report,
                        o.waitIdle, o.idleLoad, o.profile, o.jvmOptions, o.serviceArgs, o.repository, o.drainTimeout);
                case "report" -> o = new BenchOptions(o.pipelines, o.modes, o.guarantees, o.events, o.runs, o.rate,
                        o.warmup, o.duration, o.backlogSpan, o.partitions, o.bootstrapServers,
                        repository.resolve(required(name, value)), o.waitIdle, o.idleLoad, o.profile, o.jvmOptions,
                        o.serviceArgs, o.repository, o.drainTimeout);
                case "no-report" -> o = new BenchOptions(o.pipelines, o.modes, o.guarantees, o.events, o.runs, o.rate,
                        o.warmup, o.duration, o.backlogSpan, o.partitions, o.bootstrapServers, null, o.waitIdle,
                        o.idleLoad, o.profile, o.jvmOptions, o.serviceArgs, o.repository, o.drainTimeout);
                case "wait-idle" -> o = new BenchOptions(o.pipelines, o.modes, o.guarantees, o.events, o.runs, o.rate,
                        o.warmup, o.duration, o.backlogSpan, o.partitions, o.bootstrapServers, o.report,
                        duration(name, value, true), o.idleLoad, o.profile, o.jvmOptions, o.serviceArgs, o.repository, o.drainTimeout);
                case "idle-load" -> o = new BenchOptions(o.pipelines, o.modes, o.guarantees, o.events, o.runs, o.rate,
                        o.warmup, o.duration, o.backlogSpan, o.partitions, o.bootstrapServers, o.report, o.waitIdle,
                        positiveDouble(name, value), o.profile, o.jvmOptions, o.serviceArgs, o.repository, o.drainTimeout);
                case "profile" -> o = new BenchOptions(o.pipelines, o.modes, o.guarantees, o.events, o.runs, o.rate,
                        o.warmup, o.duration, o.backlogSpan, o.partitions, o.bootstrapServers, o.report, o.waitIdle,
                        o.idleLoad, true, o.jvmOptions, o.serviceArgs, o.repository, o.drainTimeout);
                case "drain-timeout" -> o = new BenchOptions(o.pipelines, o.modes, o.guarantees, o.events, o.runs,
                        o.rate, o.warmup, o.duration, o.backlogSpan, o.partitions, o.bootstrapServers, o.report,
                        o.waitIdle, o.idleLoad, o.profile, o.jvmOptions, o.serviceArgs, o.repository,
                        duration(name, value, false));
                case "jvm-opt" -> jvm.add(required(name, value));
                case "service-arg" -> serviceArgs.add(required(name, value));
                default -> throw new IllegalArgumentException("unknown option --" + name);
            }
        }
        return new BenchOptions(o.pipelines, o.modes, o.guarantees, o.events, o.runs, o.rate, o.warmup, o.duration,
                o.backlogSpan, o.partitions, o.bootstrapServers, o.report, o.waitIdle, o.idleLoad, o.profile,
                List.copyOf(jvm), List.copyOf(serviceArgs), o.repository, o.drainTimeout);
    }

    private BenchOptions with(List<String> pipelines, List<String> modes, List<String> guarantees) {
        return new BenchOptions(pipelines, modes, guarantees, events, runs, rate, warmup, duration, backlogSpan,
                partitions, bootstrapServers, report, waitIdle, idleLoad, profile, jvmOptions, serviceArgs, repository,
                drainTimeout);
    }

    /** These options with another backlog size (a side-by-side run measures several). */
    public BenchOptions withEvents(int events) {
        return new BenchOptions(pipelines, modes, guarantees, events, runs, rate, warmup, duration, backlogSpan,
                partitions, bootstrapServers, report, waitIdle, idleLoad, profile, jvmOptions, serviceArgs, repository,
                drainTimeout);
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
