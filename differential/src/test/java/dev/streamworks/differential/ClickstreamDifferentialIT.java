package dev.streamworks.differential;

import dev.streamworks.differential.harness.Pipeline;
import dev.streamworks.differential.harness.Scenario;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

/**
 * clickstream-service on a real broker, exactly-once, against the reference model: every output,
 * {@code clickstream.late} and {@code clickstream.dlq}. Off with {@code -Ddifferential.clickstream=false}.
 */
@Tag("integration")
@Timeout(value = 60, unit = java.util.concurrent.TimeUnit.MINUTES)
@DisabledIfSystemProperty(named = "differential.clickstream", matches = "false")
class ClickstreamDifferentialIT {

    static Stream<Scenario> scenarios() {
        long seed = Runs.seeds(1).get(0);
        return Runs.scenarios(List.of(new Scenario(seed, 6, 1, Pipeline.Pace.BACKLOG, false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void shouldWriteWhatTheReferenceComputes(Scenario scenario) throws Exception {
        Runs.check(Pipelines.CLICKSTREAM, scenario);
    }
}
