package dev.streamworks.differential;

import dev.streamworks.differential.compare.Comparison;
import dev.streamworks.differential.gen.DataSet;
import dev.streamworks.differential.harness.DifferentialRun;
import dev.streamworks.differential.harness.Pipeline;
import dev.streamworks.differential.harness.Scenario;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scenarios of the short version (in {@code ./mvnw verify}: a fresh random seed per run) and of
 * the long one ({@code -Ddifferential.long=true}: more seeds, larger data, backlog and live, 1 and
 * 6 partitions, 1 and 2 instances); {@code -Ddifferential.seed=N} replays one seed.
 */
final class Runs {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Runs() {
    }

    static boolean longVersion() {
        return Boolean.getBoolean("differential.long");
    }

    static List<Long> seeds(int count) {
        String fixed = System.getProperty("differential.seed", "");
        if (!fixed.isBlank()) {
            return List.of(Long.parseLong(fixed.trim()));
        }
        List<Long> seeds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            seeds.add(RANDOM.nextLong() & Long.MAX_VALUE);
        }
        return seeds;
    }

    /** The short version's runs, given per service; the long version's, the same for every service. */
    static Stream<Scenario> scenarios(List<Scenario> shortVersion) {
        if (!longVersion()) {
            return shortVersion.stream().map(Runs::overridden);
        }
        List<Scenario> runs = new ArrayList<>();
        for (long seed : seeds(Integer.getInteger("differential.seeds", 3))) {
            runs.add(new Scenario(seed, 6, 2, Pipeline.Pace.BACKLOG, true));
            runs.add(new Scenario(seed, 1, 1, Pipeline.Pace.BACKLOG, true));
            runs.add(new Scenario(seed, 6, 2, Pipeline.Pace.LIVE, true));
            runs.add(new Scenario(seed, 6, 1, Pipeline.Pace.LIVE, false));
        }
        return runs.stream().map(Runs::overridden);
    }

    /** A scenario with {@code -Ddifferential.partitions}, {@code .instances}, {@code .pace}, {@code .large} applied (to replay one run). */
    private static Scenario overridden(Scenario scenario) {
        return new Scenario(scenario.seed(), Integer.getInteger("differential.partitions", scenario.partitions()),
                Integer.getInteger("differential.instances", scenario.instances()),
                System.getProperty("differential.pace", "").isBlank() ? scenario.pace()
                        : Pipeline.Pace.valueOf(System.getProperty("differential.pace").trim().toUpperCase()),
                scenario.large() || Boolean.getBoolean("differential.large"));
    }

    /** The command that runs {@code scenario} again. */
    static String replay(Pipeline pipeline, Scenario scenario) {
        return "./differential.sh --service=" + pipeline.service() + " --seed=" + scenario.seed() + " --partitions="
                + scenario.partitions() + " --instances=" + scenario.instances() + " --pace="
                + scenario.pace().name().toLowerCase() + (scenario.large() ? " --large" : "");
    }

    /** Runs one scenario and fails, with the seed and the diff, unless every output equals the reference. */
    static void check(Pipeline pipeline, Scenario scenario) throws Exception {
        try (DifferentialRun run = new DifferentialRun(pipeline, scenario)) {
            DataSet data = run.generate();
            Comparison.Report report = run.execute(data);
            assertThat(report.equal()).as(() -> pipeline.service() + " differs from the reference model (" + scenario
                    + "); " + data.describe() + "\nreplay: " + replay(pipeline, scenario)
                    + (run.idleWarning() == null ? "" : "\n" + run.idleWarning()) + "\n" + report.render()).isTrue();
        }
    }
}
