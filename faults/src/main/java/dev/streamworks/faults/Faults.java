package dev.streamworks.faults;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The fault suite's command ({@code ./faults.sh}): runs the scenarios of issue 13 on brokers it
 * starts itself, each service in its own JVM, judged against an uninterrupted run of the same
 * input, and writes the figures into RELIABILITY.md. The short version ({@link #SHORT}) runs in
 * {@code ./mvnw verify}.
 *
 * <pre>
 * ./faults.sh [--scenarios kills,two-instances,broker-outage,poison,history,restart-time]
 *             [--services iot,fraud,clickstream,cdc] [--seed N] [--kills 10] [--records 6000]
 *             [--outage 70s] [--restart-keys 1000000] [--report RELIABILITY.md]
 * </pre>
 */
public final class Faults {

    private static final Logger log = LoggerFactory.getLogger(Faults.class);

    /** What a run does. */
    record Options(List<String> scenarios, List<String> services, long seed, int kills, int records,
                   Duration outage, int restartKeys, Path report, String command, List<Target> poisoned) {
    }

    /**
     * The short version, for {@code ./mvnw verify}: iot-alerts killed twice (one restart wiped) on
     * recent and on year-old event times (the broker checking retention every 5 s), two instances
     * with one killed, the broker down 15 s (these share one reference run, the year-old kills their
     * own), and the poison corpus on iot-alerts and fraud; small inputs.
     */
    static Options shortVersion(long seed) {
        return new Options(List.of("kills", "history", "two-instances", "broker-outage", "poison"), List.of("iot"), seed, 2,
                1_200, Duration.ofSeconds(15), 0, null, "./mvnw verify (FaultSuiteIT)", List.of(Target.IOT, Target.FRAUD));
    }

    private Faults() {
    }

    private static final String USAGE = """
            Usage: ./faults.sh [--scenarios kills,history,two-instances,broker-outage,poison,restart-time]
                               [--services iot,fraud,clickstream,cdc] [--poisoned iot,fraud,clickstream,cdc]
                               [--seed N]
                               [--kills 10] [--records 6000] [--outage 70s] [--restart-keys 1000000]
                               [--report RELIABILITY.md]
            Details: faults/README.md""";

    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--help")) {
            log.info("\n{}", USAGE);
            return;
        }
        Options options = parse(args);
        List<Scenario.Outcome> outcomes = run(options);
        boolean passed = outcomes.stream().allMatch(Scenario.Outcome::passed);
        log.info("{}: {} of {} scenarios passed (seed {})", passed ? "PASSED" : "FAILED",
                outcomes.stream().filter(Scenario.Outcome::passed).count(), outcomes.size(), options.seed());
        System.exit(passed ? 0 : 1);
    }

    /** Runs the scenarios; writes the report when the options name one. */
    static List<Scenario.Outcome> run(Options options) throws Exception {
        long started = System.nanoTime();
        Path runDir = Files.createTempDirectory("faults-run-");
        log.info("Fault suite, seed {} (replay: --seed {}), logs under {}", options.seed(), options.seed(), runDir);
        Scenarios scenarios = new Scenarios(new ReferenceRun(), runDir, options.seed());
        List<Scenario.Outcome> outcomes = new ArrayList<>();
        for (String scenario : options.scenarios()) {
            // the poison corpus goes to every input of every service
            List<Target> targets = scenario.equals("poison") ? options.poisoned()
                    : options.services().isEmpty() ? defaultServices(scenario)
                    : options.services().stream().map(Target::named).toList();
            if (scenario.equals("restart-time")) {
                outcomes.add(report(scenarios.restartTime(options.restartKeys(), false)));
                outcomes.add(report(scenarios.restartTime(options.restartKeys(), true)));
                continue;
            }
            for (Target target : targets) {
                outcomes.add(report(switch (scenario) {
                    case "kills" -> scenarios.kills(target, options.kills(), options.records(), false);
                    case "history" -> scenarios.kills(target, options.kills(), options.records(), true);
                    case "two-instances" -> scenarios.twoInstances(target, options.records());
                    case "broker-outage" -> scenarios.brokerOutage(target, options.records(), options.outage());
                    case "poison" -> scenarios.poison(target, Math.min(options.records(), 2_000));
                    default -> throw new IllegalArgumentException("no scenario '" + scenario + "'");
                }));
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        if (options.report() != null) {
            Reliability.write(options.report(), options.command(), options.seed(), outcomes, took);
            log.info("Figures written to {}", options.report());
        } else {
            Files.writeString(runDir.resolve("RELIABILITY.md"),
                    Reliability.section(options.command(), options.seed(), outcomes, took));
        }
        return outcomes;
    }

    /**
     * The services of a scenario when {@code --services} names none: every service for the kills on
     * recent and on year-old event times; iot-alerts and fraud for two instances and the broker outage.
     */
    static List<Target> defaultServices(String scenario) {
        return scenario.equals("kills") || scenario.equals("history") ? Target.ALL : List.of(Target.IOT, Target.FRAUD);
    }

    private static Scenario.Outcome report(Scenario.Outcome outcome) {
        if (outcome.passed()) {
            log.info("{}", outcome.summary());
        } else {
            log.error("{}", outcome.summary());
        }
        return outcome;
    }

    static Options parse(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unknown argument " + arg);
            }
            int eq = arg.indexOf('=');
            if (eq > 0) {
                values.put(arg.substring(2, eq), arg.substring(eq + 1));
            } else if (i + 1 < args.length) {
                values.put(arg.substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException(arg + " needs a value");
            }
        }
        long seed = values.containsKey("seed") ? Long.parseLong(values.remove("seed"))
                : ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        String repository = System.getProperty("faults.repository", ".");
        Options options = new Options(
                list(values.remove("scenarios"), "kills,history,two-instances,broker-outage,poison,restart-time"),
                list(values.remove("services"), ""),
                seed,
                Integer.parseInt(values.getOrDefault("kills", "10")),
                Integer.parseInt(values.getOrDefault("records", "6000")),
                Duration.ofSeconds(Long.parseLong(values.getOrDefault("outage", "70s").replace("s", ""))),
                Integer.parseInt(values.getOrDefault("restart-keys", "1000000")),
                Path.of(values.getOrDefault("report", Path.of(repository, "RELIABILITY.md").toString())),
                command(args), values.containsKey("poisoned")
                        ? list(values.remove("poisoned"), "").stream().map(Target::named).toList() : Target.ALL);
        values.keySet().removeAll(List.of("kills", "records", "outage", "restart-keys", "report", "poisoned"));
        if (!values.isEmpty()) {
            throw new IllegalArgumentException("unknown options " + values.keySet());
        }
        return options;
    }

    /** The command line without its seed (the report names the seed apart). */
    private static String command(String[] args) {
        StringBuilder command = new StringBuilder("./faults.sh");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--seed")) {
                i++;
            } else if (!args[i].startsWith("--seed=")) {
                command.append(' ').append(args[i]);
            }
        }
        return command.toString();
    }

    private static List<String> list(String value, String fallback) {
        return Arrays.stream((value == null ? fallback : value).split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
    }
}
