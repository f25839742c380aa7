package dev.streamworks.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Smoke test of {@code ./bench.sh --peer=spark} on a tiny backlog: the three pipelines drained by
 * the services and by Spark on the same broker, side by side in one table. Opt-in: runs only with
 * the Maven profile {@code spark} ({@code ./mvnw -B -ntp -Pspark -pl bench,bench-spark -am verify}),
 * which builds bench-spark (and downloads Spark); no timed assertion.
 */
@EnabledIfSystemProperty(named = "bench.spark.smoke", matches = "true",
        disabledReason = "opt-in: Maven profile spark (downloads Spark)")
@Timeout(1200)
class SparkPeerIT {

    @Test
    void shouldDrainTheSameBacklogWithBothAndPutThemSideBySide() throws Exception {
        Path repository = Path.of(System.getProperty("bench.repository", "..")).toAbsolutePath().normalize();
        PeerOptions.Split split = PeerOptions.split(new String[] {"--peer=spark",
                "--pipelines=iot,clicks-per-product,clickstream", "--events=3000", "--runs=1", "--no-report",
                "--wait-idle=0s", "--drain-timeout=5m"});
        BenchOptions options = BenchOptions.parse(split.rest(), repository);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int exit;
        try (PrintStream console = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            exit = PeerBench.run(options, split.peer(), console);
        }

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(printed).isZero();
        // every query of every pipeline read the whole backlog (SparkRun checks each; the log line names them)
        assertThat(printed).contains("input rows per query: {device-stats-5m+device-alerts=3000}")
                .contains("input rows per query: {clicks-per-product-5m=3000}")
                .contains("event-type-counts=3000", "user-sessions=3000", "user-activity=3000",
                        "product-conversion=3000", "activity-anomalies=3000", "click-impression-matches=3000",
                        "segment-dashboard-5m=3000", "event-lateness-1m=3000");
        assertThat(printed.lines().filter(l -> l.matches("\\| (iot|clicks-per-product|clickstream) \\| 3,000 \\| 1 \\| .*")))
                .hasSize(3)
                .allSatisfy(row -> assertThat(row).doesNotContain("failed").matches(".*\\| \\d+\\.\\d\\dx \\|.*"));
    }
}
