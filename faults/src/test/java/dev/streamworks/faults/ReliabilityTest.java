package dev.streamworks.faults;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReliabilityTest {

    private static Scenario.Outcome outcome(String scenario, String service, long lost, String note) {
        return new Scenario.Outcome(scenario, service, 1, 2, 1, 100, new Verdict(10, lost, 0, 0, List.of()),
                List.of(Duration.ofMillis(1500)), List.of(Duration.ofSeconds(2)), List.of(note), lost == 0);
    }

    private static List<Reliability.Row> rows(String text) {
        List<Reliability.Row> rows = new ArrayList<>();
        Reliability.parse(text, new ArrayList<>(), rows);
        return rows;
    }

    @Test
    void shouldKeepTheRowsOfWhatARunDidNotRunAndReplaceTheOthers(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("RELIABILITY.md");
        Files.writeString(file, "# Reliability\n\nintro\n\n" + Reliability.BEGIN + "\nold\n" + Reliability.END
                + "\n\n## Reading\n\ntext\n");

        Reliability.write(file, "./faults.sh", 11, List.of(outcome("kills", "iot", 0, "first"),
                outcome("poison", "fraud", 0, "a | b")), Duration.ofMinutes(3));
        Reliability.write(file, "./faults.sh --services cdc,iot", 22, List.of(outcome("kills", "cdc", 0, "x"),
                outcome("kills", "iot", 3, "second")), Duration.ofMinutes(1));

        String text = Files.readString(file);
        assertThat(text).startsWith("# Reliability\n\nintro\n\n" + Reliability.BEGIN).endsWith(Reliability.END
                + "\n\n## Reading\n\ntext\n").doesNotContain("old");
        assertThat(rows(text)).extracting(r -> r.scenario() + "/" + r.service() + "/" + r.run())
                .containsExactly("kills/iot/R2", "kills/cdc/R2", "poison/fraud/R1");
        assertThat(text).contains("| R2 |", "`./faults.sh --services cdc,iot` | 22 |", "`./faults.sh` | 11 |",
                "**FAILED**", "a \\| b").doesNotContain("first");
    }

    @Test
    void shouldDropARunWhoseRowsWereAllReplaced(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("RELIABILITY.md");

        Reliability.write(file, "./faults.sh --seed-less", 11, List.of(outcome("kills", "iot", 0, "n")), Duration.ZERO);
        Reliability.write(file, "./faults.sh", 22, List.of(outcome("kills", "iot", 0, "n")), Duration.ZERO);

        String text = Files.readString(file);
        assertThat(text).contains("| R2 |").doesNotContain("| R1 |", "--seed-less");
        assertThat(rows(text)).hasSize(1);
    }
}
