package dev.streamworks.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The results section of RELIABILITY.md, written by the suite (as BENCHMARKS.md is by the bench):
 * one row per scenario and service with its figures and the run that measured it, and a table of
 * those runs (when, the command, the seed that replays it). A run replaces the rows of the
 * scenarios and services it ran and keeps the others, so a targeted run
 * ({@code --scenarios kills --services cdc}) leaves the rest of the table as it was; a run whose
 * rows were all replaced leaves the table of runs. The text around the markers is the document's own.
 */
final class Reliability {

    static final String BEGIN = "<!-- faults:results:begin -->";
    static final String END = "<!-- faults:results:end -->";

    private static final String RUNS_HEADER = "| run | measured | command | seed | cores | took |";
    private static final String ROWS_HEADER = "| scenario | service | run | result | kills survived | wiped | records in "
            + "| compared | lost | duplicated | unexpected | time to recover (max) | restore time (max) | notes |";

    /** The order of the rows: scenarios as the suite runs them, then services. */
    private static final List<String> SCENARIOS = List.of("kills", "history", "two-instances", "broker-outage", "poison",
            "restart-time-without-kip-892", "restart-time");

    private Reliability() {
    }

    /** A run of the suite as the table of runs shows it. */
    record Run(String id, String line) {
    }

    /** A row of the results: its scenario, service and run, and the row as written. */
    record Row(String scenario, String service, String run, String line) {
    }

    /** The section of one run alone (what a run writes where no report is kept, e.g. the run directory). */
    static String section(String command, long seed, List<Scenario.Outcome> outcomes, Duration took) {
        return merge(null, command, seed, outcomes, took);
    }

    /**
     * The section after a run: its rows, and the rows of {@code previous} (a section as this class
     * writes it, or null) for the scenarios and services it did not run.
     */
    static String merge(String previous, String command, long seed, List<Scenario.Outcome> outcomes, Duration took) {
        List<Run> runs = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        if (previous != null) {
            parse(previous, runs, rows);
        }
        int next = runs.stream().mapToInt(r -> Integer.parseInt(r.id().substring(1))).max().orElse(0) + 1;
        String id = "R" + next;
        Set<String> ran = new TreeSet<>();
        List<Row> merged = new ArrayList<>();
        for (Scenario.Outcome o : outcomes) {
            ran.add(o.scenario() + "/" + o.service());
            merged.add(new Row(o.scenario(), o.service(), id, row(o, id)));
        }
        rows.stream().filter(r -> !ran.contains(r.scenario() + "/" + r.service())).forEach(merged::add);
        merged.sort(Comparator.comparingInt((Row r) -> order(SCENARIOS, r.scenario()))
                .thenComparingInt(r -> order(Target.ALL.stream().map(Target::name).toList(), r.service())));
        Map<String, Run> kept = new LinkedHashMap<>();
        kept.put(id, new Run(id, String.format(Locale.ROOT, "| %s | %s | `%s` | %d | %d | %d min |", id,
                ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                command, seed, Runtime.getRuntime().availableProcessors(), took.toMinutes())));
        runs.stream().filter(r -> merged.stream().anyMatch(row -> row.run().equals(r.id())))
                .forEach(r -> kept.put(r.id(), r));

        StringBuilder out = new StringBuilder();
        out.append(BEGIN).append('\n');
        out.append("Each row comes from the run its **run** column names; replay a run with `--seed` and its seed. ")
                .append("A run replaces the rows of what it ran and keeps the others.\n\n");
        out.append(RUNS_HEADER).append('\n').append("|---|---|---|---:|---:|---:|\n");
        kept.values().forEach(r -> out.append(r.line()).append('\n'));
        out.append('\n').append(ROWS_HEADER).append('\n').append("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        merged.forEach(r -> out.append(r.line()).append('\n'));
        out.append(END).append('\n');
        return out.toString();
    }

    private static int order(List<String> known, String name) {
        int index = known.indexOf(name);
        return index < 0 ? known.size() : index;
    }

    private static String row(Scenario.Outcome o, String run) {
        return String.format(Locale.ROOT, "| %s | %s | %s | %s | %d | %d | %,d | %,d | %d | %d | %d | %s | %s | %s |",
                o.scenario(), o.service(), run, o.passed() ? "passed" : "**FAILED**", o.kills(), o.wipes(), o.recordsIn(),
                o.verdict().compared(), o.verdict().lost(), o.verdict().duplicated(), o.verdict().unexpected(),
                seconds(o.recover()), seconds(o.restore()),
                String.join("; ", o.notes()).replace("|", "\\|").replace("\n", " "));
    }

    /** Reads the tables of a section this class wrote; a section of another shape gives nothing (it is replaced). */
    static void parse(String section, List<Run> runs, List<Row> rows) {
        String table = null;
        for (String line : section.split("\n")) {
            if (line.equals(RUNS_HEADER) || line.equals(ROWS_HEADER)) {
                table = line;
            } else if (!line.startsWith("| ") || line.startsWith("|---")) {
                if (!line.startsWith("|---")) {
                    table = null;
                }
            } else if (RUNS_HEADER.equals(table)) {
                runs.add(new Run(cells(line).get(0), line));
            } else if (ROWS_HEADER.equals(table)) {
                List<String> cells = cells(line);
                rows.add(new Row(cells.get(0), cells.get(1), cells.get(2), line));
            }
        }
    }

    /** The first cells of a table row (enough to know its scenario, service and run). */
    private static List<String> cells(String line) {
        String[] parts = line.split("(?<!\\\\)\\|", 5);
        List<String> cells = new ArrayList<>();
        for (int i = 1; i < parts.length && cells.size() < 3; i++) {
            cells.add(parts[i].trim());
        }
        return cells;
    }

    private static String seconds(List<Duration> durations) {
        return durations.isEmpty() ? "-" : String.format(Locale.ROOT, "%.1f s",
                durations.stream().mapToLong(Duration::toMillis).max().orElse(0) / 1000.0);
    }

    /**
     * Writes a run's figures into the results section of {@code file}: its rows replace those of the
     * same scenarios and services, the others stay (appends a section when the file has none).
     */
    static void write(Path file, String command, long seed, List<Scenario.Outcome> outcomes, Duration took)
            throws IOException {
        String text = Files.exists(file) ? Files.readString(file) : "# Reliability\n\n";
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        boolean found = begin >= 0 && end > begin;
        String section = merge(found ? text.substring(begin, end) : null, command, seed, outcomes, took);
        String updated = found
                ? text.substring(0, begin) + section + text.substring(Math.min(text.length(), end + END.length() + 1))
                : text + "\n" + section;
        Files.writeString(file, updated);
    }
}
