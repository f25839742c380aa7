package dev.streamworks.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The results section of RELIABILITY.md, written by the suite (as BENCHMARKS.md is by the bench):
 * one row per scenario and service with the command that reproduces it and its figures. The
 * section between the markers is replaced; the text around it is the document's own.
 */
final class Reliability {

    static final String BEGIN = "<!-- faults:results:begin -->";
    static final String END = "<!-- faults:results:end -->";

    private Reliability() {
    }

    static String section(String command, long seed, List<Scenario.Outcome> outcomes, Duration took) {
        StringBuilder out = new StringBuilder();
        out.append(BEGIN).append('\n');
        out.append("Measured ").append(ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(java.time.temporal.ChronoUnit.MINUTES)
                .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append(" by `").append(command).append("` (seed ")
                .append(seed).append(", ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(took.toMinutes()).append(" min). Replay a run with `--seed ").append(seed).append("`.\n\n");
        out.append("| scenario | service | result | kills survived | wiped | records in | compared | lost | duplicated "
                + "| unexpected | time to recover (max) | restore time (max) | notes |\n");
        out.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Scenario.Outcome o : outcomes) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %d | %,d | %,d | %d | %d | %d | %s | %s | %s |%n",
                    o.scenario(), o.service(), o.passed() ? "passed" : "**FAILED**", o.kills(), o.wipes(), o.recordsIn(),
                    o.verdict().compared(), o.verdict().lost(), o.verdict().duplicated(), o.verdict().unexpected(),
                    seconds(o.recover()), seconds(o.restore()),
                    String.join("; ", o.notes()).replace("|", "\\|").replace("\n", " ")));
        }
        out.append(END).append('\n');
        return out.toString();
    }

    private static String seconds(List<Duration> durations) {
        return durations.isEmpty() ? "-" : String.format(Locale.ROOT, "%.1f s",
                durations.stream().mapToLong(Duration::toMillis).max().orElse(0) / 1000.0);
    }

    /** Replaces the results section of {@code file} (appends one when it has none). */
    static void write(Path file, String section) throws IOException {
        String text = Files.exists(file) ? Files.readString(file) : "# Reliability\n\n";
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        String updated = begin >= 0 && end > begin
                ? text.substring(0, begin) + section + text.substring(end + END.length() + 1)
                : text + "\n" + section;
        Files.writeString(file, updated);
    }
}
