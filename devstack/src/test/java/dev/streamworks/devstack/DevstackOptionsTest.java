package dev.streamworks.devstack;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DevstackOptionsTest {

    @Test
    void shouldRunUntilStoppedWithAnInProcessBrokerByDefault() {
        DevstackOptions options = DevstackOptions.parse();

        assertThat(options).isEqualTo(new DevstackOptions(200, null, 9092, 10, 20, 42, null, false));
    }

    @Test
    void shouldReadEveryOption() {
        DevstackOptions options = DevstackOptions.parse("--rate", "5000", "--duration", "90s", "--kafka-port", "19092",
                "--speed", "1", "--devices", "100", "--seed", "7", "--bootstrap-servers", "kafka:9092", "--traffic-only");

        assertThat(options).isEqualTo(new DevstackOptions(5000, Duration.ofSeconds(90), 19092, 1, 100, 7,
                "kafka:9092", true));
        assertThat(DevstackOptions.duration("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(DevstackOptions.duration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(DevstackOptions.duration("PT45S")).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void shouldExplainWhatIsWrong() {
        assertThatThrownBy(() -> DevstackOptions.parse("--rate", "fast")).hasMessageContaining("--rate")
                .hasMessageContaining("'fast' is not an int");
        assertThatThrownBy(() -> DevstackOptions.parse("--rate", "0")).hasMessageContaining("--rate must be positive");
        assertThatThrownBy(() -> DevstackOptions.parse("--colour", "red")).hasMessageContaining("Unknown options: '--colour'");
        assertThatThrownBy(() -> DevstackOptions.parse("--rate")).hasMessageContaining("Missing required parameter")
                .hasMessageContaining("--rate");
        assertThatThrownBy(() -> DevstackOptions.parse("--traffic-only")).hasMessageContaining("needs --bootstrap-servers");
        assertThatThrownBy(() -> DevstackOptions.parse("--duration", "soon")).hasMessageContaining("expected a duration");
    }

    @Test
    void shouldTakeBothSpellingsOfAValue() {
        assertThat(DevstackOptions.parse("--rate=300", "--kafka-port", "19092"))
                .isEqualTo(new DevstackOptions(300, null, 19092, 10, 20, 42, null, false));
    }

    @Test
    void shouldPrintHelpAndVersionAsRequested() {
        CommandLine commandLine = DevstackOptions.commandLine();
        commandLine.parseArgs("--help");
        assertThat(commandLine.isUsageHelpRequested()).isTrue();
        assertThat(commandLine.getUsageMessage()).contains("Usage: devstack.sh", "--rate=N", "--kafka-port=PORT",
                "--speed=N", "--devices=N", "--seed=N", "--duration=DURATION", "--bootstrap-servers=HOST:PORT",
                "--traffic-only", "--help", "--version", "(default 200)");
        CommandLine again = DevstackOptions.commandLine();
        again.parseArgs("--version");
        assertThat(again.isVersionHelpRequested()).isTrue();
        assertThat(again.getCommandSpec().version()[0]).startsWith("Streamworks ").doesNotContain("unknown");
    }
}
