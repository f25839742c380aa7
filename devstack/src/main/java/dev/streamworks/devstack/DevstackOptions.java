package dev.streamworks.devstack;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Locale;

/**
 * Command-line options of the devstack (picocli: {@code --name value} or {@code --name=value},
 * {@code --help}, {@code --version}).
 *
 * @param rate       events per second the generator sends, per pipeline
 * @param duration   how long to run; {@code null}: until Ctrl-C
 * @param kafkaPort  the broker's port on localhost
 * @param speed      event time runs this many times faster than the wall clock, starting one
 *                   hour in the past and never passing the present, so windows close within
 *                   seconds instead of minutes
 * @param devices    IoT devices simulated
 * @param seed       random seed of the traffic
 * @param bootstrapServers an existing Kafka to use instead of starting one; {@code null}: start one
 * @param trafficOnly only generate traffic (into {@code bootstrapServers}), start no service
 */
record DevstackOptions(int rate, Duration duration, int kafkaPort, int speed, int devices, long seed,
                       String bootstrapServers, boolean trafficOnly) {

    /** The options as picocli reads them. */
    @Command(name = "devstack.sh", mixinStandardHelpOptions = true, versionProvider = Version.class,
            sortOptions = false, usageHelpAutoWidth = true,
            description = "Runs the whole suite on this machine: an in-process Kafka broker (KRaft), the four "
                    + "services (each with its live page at http://localhost:<port>/) and a generator of the "
                    + "course's traffic. Ctrl-C stops everything and removes the run's data.")
    static final class Cli {

        @Option(names = "--rate", paramLabel = "N", description = "events per second, per pipeline (default ${DEFAULT-VALUE})")
        int rate = 200;

        @Option(names = "--duration", paramLabel = "DURATION",
                description = "stop after this long, e.g. 90s, 10m, 1h (default: run until Ctrl-C)")
        String duration;

        @Option(names = "--kafka-port", paramLabel = "PORT",
                description = "port of the in-process Kafka broker on localhost (default ${DEFAULT-VALUE})")
        int kafkaPort = 9092;

        @Option(names = "--speed", paramLabel = "N", description = "event time runs N times faster than the wall clock "
                + "until it reaches the present (default ${DEFAULT-VALUE}; 1 for real time)")
        int speed = 10;

        @Option(names = "--devices", paramLabel = "N", description = "IoT devices simulated (default ${DEFAULT-VALUE})")
        int devices = 20;

        @Option(names = "--seed", paramLabel = "N", description = "random seed of the generated traffic (default ${DEFAULT-VALUE})")
        long seed = 42;

        @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
                description = "use this Kafka instead of starting one in-process")
        String bootstrapServers;

        @Option(names = "--traffic-only", description = "only send traffic to --bootstrap-servers (the services run elsewhere)")
        boolean trafficOnly;
    }

    /** The command line, ready to parse ({@link CommandLine#parseArgs}) or print its usage. */
    static CommandLine commandLine() {
        return new CommandLine(new Cli());
    }

    /** Parses {@code args}; throws IllegalArgumentException saying what is wrong. */
    static DevstackOptions parse(String... args) {
        CommandLine commandLine = commandLine();
        try {
            commandLine.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return of(commandLine.getCommand());
    }

    static DevstackOptions of(Cli c) {
        if (c.trafficOnly && c.bootstrapServers == null) {
            throw new IllegalArgumentException("--traffic-only needs --bootstrap-servers");
        }
        Duration duration;
        try {
            duration = c.duration == null ? null : duration(c.duration);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--duration: expected a duration like 90s, 10m, 1h: " + c.duration);
        }
        return new DevstackOptions(positive("--rate", c.rate), duration, positive("--kafka-port", c.kafkaPort),
                positive("--speed", c.speed), positive("--devices", c.devices), c.seed, c.bootstrapServers,
                c.trafficOnly);
    }

    private static int positive(String option, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(option + " must be positive, was " + value);
        }
        return value;
    }

    /** {@code 90s}, {@code 10m}, {@code 1h}, or an ISO-8601 duration. */
    static Duration duration(String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        if (text.startsWith("p")) {
            return Duration.parse(text.toUpperCase(Locale.ROOT));
        }
        long amount = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (text.charAt(text.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            default -> throw new NumberFormatException(value);
        };
    }
}
