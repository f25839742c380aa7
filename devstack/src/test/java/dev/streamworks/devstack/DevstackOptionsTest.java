package dev.streamworks.devstack;

import org.junit.jupiter.api.Test;

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
        assertThatThrownBy(() -> DevstackOptions.parse("--rate", "fast")).hasMessageContaining("not a number for --rate");
        assertThatThrownBy(() -> DevstackOptions.parse("--rate", "0")).hasMessageContaining("--rate must be positive");
        assertThatThrownBy(() -> DevstackOptions.parse("--colour", "red")).hasMessageContaining("unknown option --colour");
        assertThatThrownBy(() -> DevstackOptions.parse("--rate")).hasMessageContaining("missing value for --rate");
        assertThatThrownBy(() -> DevstackOptions.parse("--traffic-only")).hasMessageContaining("needs --bootstrap-servers");
        assertThatThrownBy(() -> DevstackOptions.parse("--help")).hasMessageContaining("Usage: devstack");
    }
}
