package dev.streamworks.faults;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The short version of the fault suite ({@link Faults#shortVersion}): real brokers started by the
 * suite, each service in its own JVM, judged against an uninterrupted run. A new seed every run,
 * named in the failure message; replay it with {@code ./faults.sh --seed N}.
 */
@Tag("integration")
@Timeout(900)
class FaultSuiteIT {

    @Test
    void shouldLoseNothingDuplicateNothingAndNeverStopOnAnyFaultOfTheShortVersion() throws Exception {
        long seed = Long.getLong("faults.seed", ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));

        List<Scenario.Outcome> outcomes = Faults.run(Faults.shortVersion(seed));

        assertThat(outcomes).as("seed %d (replay: ./faults.sh --seed %d)", seed, seed).isNotEmpty()
                .allSatisfy(outcome -> assertThat(outcome.passed()).as("seed %d: %s", seed, outcome.summary()).isTrue());
        assertThat(outcomes.stream().map(Scenario.Outcome::scenario).collect(Collectors.toSet()))
                .contains("kills", "history", "two-instances", "broker-outage", "poison");
    }
}
