package dev.streamworks.devstack;

import java.time.Duration;
import java.util.Locale;

/**
 * Command-line options of the devstack.
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

    static final String USAGE = """
            Usage: devstack [--rate N] [--duration 10m] [--kafka-port 9092] [--speed 10] [--devices 20] [--seed 42]
                            [--bootstrap-servers host:port] [--traffic-only]
              --rate        events per second, per pipeline (default 200)
              --duration    stop after this long, e.g. 90s, 10m, 1h (default: run until Ctrl-C)
              --kafka-port  port of the in-process Kafka broker on localhost (default 9092)
              --speed       event time runs N times faster than the wall clock until it reaches
                            the present (default 10; 1 for real time)
              --devices     IoT devices simulated (default 20)
              --seed        random seed of the generated traffic (default 42)
              --bootstrap-servers  use this Kafka instead of starting one in-process
              --traffic-only       only send traffic to --bootstrap-servers (the services run elsewhere)""";

    static DevstackOptions parse(String... args) {
        int rate = 200;
        Duration duration = null;
        int kafkaPort = 9092;
        int speed = 10;
        int devices = 20;
        long seed = 42;
        String bootstrapServers = null;
        boolean trafficOnly = false;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--help") || option.equals("-h")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (option.equals("--traffic-only")) {
                trafficOnly = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + option + "\n" + USAGE);
            }
            String value = args[++i];
            try {
                switch (option) {
                    case "--rate" -> rate = positive(option, Integer.parseInt(value));
                    case "--duration" -> duration = duration(value);
                    case "--kafka-port" -> kafkaPort = positive(option, Integer.parseInt(value));
                    case "--speed" -> speed = positive(option, Integer.parseInt(value));
                    case "--devices" -> devices = positive(option, Integer.parseInt(value));
                    case "--seed" -> seed = Long.parseLong(value);
                    case "--bootstrap-servers" -> bootstrapServers = value;
                    default -> throw new IllegalArgumentException("unknown option " + option + "\n" + USAGE);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number for " + option + ": " + value + "\n" + USAGE);
            }
        }
        if (trafficOnly && bootstrapServers == null) {
            throw new IllegalArgumentException("--traffic-only needs --bootstrap-servers\n" + USAGE);
        }
        return new DevstackOptions(rate, duration, kafkaPort, speed, devices, seed, bootstrapServers, trafficOnly);
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
