package dev.streamworks.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchOptionsTest {

    private static final Path REPO = Path.of("/repo");

    @Test
    void defaultsAreTheIssuesFullSet() {
        BenchOptions o = BenchOptions.parse(new String[0], REPO);

        assertThat(o.pipelines()).containsExactly("iot", "clicks-per-product", "clickstream", "fraud");
        assertThat(o.modes()).containsExactly("drain", "latency");
        assertThat(o.guarantees()).containsExactly("exactly_once_v2", "at_least_once");
        assertThat(o.events()).isEqualTo(1_000_000);
        assertThat(o.runs()).isEqualTo(3);
        assertThat(o.rate()).isEqualTo(10_000);
        assertThat(o.warmup()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(o.bootstrapServers()).isNull();
        assertThat(o.report()).isEqualTo(REPO.resolve("BENCHMARKS.md"));
    }

    @Test
    void parsesEveryOption() {
        BenchOptions o = BenchOptions.parse(new String[] {"--pipelines=iot", "--modes=latency",
                "--guarantees=at_least_once", "--events=20_000", "--runs=1", "--rate=500", "--warmup=0s",
                "--duration=1500ms", "--backlog-span=2h", "--partitions=3", "--bootstrap-servers=kafka:9092",
                "--report=out.md", "--wait-idle=5m", "--idle-load=0.5", "--profile", "--jvm-opt=-Xmx512m",
                "--jvm-opt=-XX:+UseG1GC", "--service-arg=--streamworks.iot.grace=1m", "--drain-timeout=10m", "--page"}, REPO);

        assertThat(o.pipelines()).containsExactly("iot");
        assertThat(o.modes()).containsExactly("latency");
        assertThat(o.guarantees()).containsExactly("at_least_once");
        assertThat(o.events()).isEqualTo(20_000);
        assertThat(o.runs()).isEqualTo(1);
        assertThat(o.rate()).isEqualTo(500);
        assertThat(o.warmup()).isZero();
        assertThat(o.duration()).isEqualTo(Duration.ofMillis(1500));
        assertThat(o.backlogSpan()).isEqualTo(Duration.ofHours(2));
        assertThat(o.partitions()).isEqualTo(3);
        assertThat(o.bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(o.report()).isEqualTo(REPO.resolve("out.md"));
        assertThat(o.waitIdle()).isEqualTo(Duration.ofMinutes(5));
        assertThat(o.idleLoad()).isEqualTo(0.5);
        assertThat(o.profile()).isTrue();
        assertThat(o.jvmOptions()).containsExactly("-Xmx512m", "-XX:+UseG1GC");
        assertThat(o.serviceArgs()).containsExactly("--streamworks.iot.grace=1m");
        assertThat(o.drainTimeoutOrDefault()).isEqualTo(Duration.ofMinutes(10));
        assertThat(o.page()).isTrue();
        assertThat(BenchOptions.parse(new String[0], REPO).page()).isFalse();
    }

    @Test
    void aDrainMayTakeThreeMinutesOrOneSecondPer2000Events() {
        assertThat(BenchOptions.parse(new String[] {"--events=20000"}, REPO).drainTimeoutOrDefault())
                .isEqualTo(Duration.ofMinutes(3));
        assertThat(BenchOptions.parse(new String[0], REPO).drainTimeoutOrDefault()).isEqualTo(Duration.ofSeconds(500));
    }

    @Test
    void noReportMeansConsoleOnly() {
        assertThat(BenchOptions.parse(new String[] {"--no-report"}, REPO).report()).isNull();
    }

    @Test
    void rejectsWhatItCannotMean() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--pipelines=cdc"}, REPO))
                .hasMessageContaining("unknown value 'cdc'");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--events=0"}, REPO))
                .hasMessageContaining("must be positive");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--events=many"}, REPO))
                .hasMessageContaining("not a number");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--duration=10"}, REPO))
                .hasMessageContaining("expected a duration");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--duration=0s"}, REPO))
                .hasMessageContaining("must be positive");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--colour"}, REPO))
                .hasMessageContaining("Unknown option: '--colour'");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"events=5"}, REPO))
                .hasMessageContaining("Unmatched argument");
    }

    @Test
    void takesBothSpellingsOfAValueAndPrintsHelpAndVersion() {
        assertThat(BenchOptions.parse(new String[] {"--runs", "2", "--rate=700"}, REPO))
                .isEqualTo(BenchOptions.parse(new String[] {"--runs=2", "--rate", "700"}, REPO));
        picocli.CommandLine help = BenchOptions.cli();
        help.parseArgs("--help");
        assertThat(help.isUsageHelpRequested()).isTrue();
        assertThat(help.getUsageMessage()).contains("Usage: bench.sh", "--pipelines=LIST", "--modes=LIST",
                "--guarantees=LIST", "--events=N", "--runs=N", "--rate=N", "--warmup=DURATION", "--duration=DURATION",
                "--backlog-span=DURATION", "--drain-timeout=DURATION", "--partitions=N", "--bootstrap-servers=HOST:PORT",
                "--report=FILE", "--no-report", "--wait-idle=DURATION", "--idle-load=LOAD", "--profile",
                "--jvm-opt=OPTION", "--service-arg=--KEY=VALUE", "--version");
        picocli.CommandLine version = BenchOptions.cli();
        version.parseArgs("-V");
        assertThat(version.isVersionHelpRequested()).isTrue();
    }

    @Test
    void commandLineReproducesTheOptions() {
        String[] args = {"--pipelines=iot", "--modes=drain", "--guarantees=exactly_once_v2", "--events=1000000",
                "--backlog-span=1h", "--runs=3", "--jvm-opt=-Xmx512m"};
        BenchOptions o = BenchOptions.parse(args, REPO);

        assertThat(o.commandLine()).isEqualTo("./bench.sh " + String.join(" ", args));
        String[] again = o.commandLine().substring("./bench.sh ".length()).split(" ");
        assertThat(BenchOptions.parse(again, REPO)).isEqualTo(o);
    }

    @Test
    void listsKeepTheirOrderAndDropRepeats() {
        assertThat(BenchOptions.parse(new String[] {"--modes=latency,drain,latency"}, REPO).modes())
                .isEqualTo(List.of("latency", "drain"));
    }

    @Test
    void lateShareDefaultsToTheInOrderBacklogAndMustFitTheSpan() {
        assertThat(BenchOptions.parse(new String[0], REPO).lateShare()).isZero();
        BenchOptions o = BenchOptions.parse(new String[] {"--modes=drain", "--late-share=0.01"}, REPO);
        assertThat(o.lateShare()).isEqualTo(0.01);
        assertThat(o.commandLine()).contains(" --late-share=0.01");
        assertThat(BenchOptions.parse(o.commandLine().substring("./bench.sh ".length()).split(" "), REPO)).isEqualTo(o);
        assertThat(o.withEvents(5).lateShare()).isEqualTo(0.01);
        assertThat(BenchOptions.parse(new String[0], REPO).commandLine()).doesNotContain("late-share");

        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--late-share=1"}, REPO))
                .hasMessageContaining("below 1");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--late-share=-0.1"}, REPO))
                .hasMessageContaining("at least 0");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--late-share=x"}, REPO))
                .hasMessageContaining("not a number");
        // only the last 10 minutes of a 1-hour backlog can be 50 minutes earlier and still in it
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--late-share=0.2"}, REPO))
                .hasMessageContaining("--backlog-span");
        assertThat(BenchOptions.parse(new String[] {"--late-share=0.2", "--backlog-span=2h"}, REPO).lateShare())
                .isEqualTo(0.2);
    }
}
