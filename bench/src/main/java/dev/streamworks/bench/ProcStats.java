package dev.streamworks.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's own CPU time and memory from Linux's {@code /proc}: {@code stat} fields 14 and 15
 * (utime, stime, in clock ticks) and {@code status} {@code VmHWM} (peak resident set) and
 * {@code VmRSS} (resident set now).
 */
public final class ProcStats {

    private final long pid;
    private final long ticksPerSecond;

    public ProcStats(long pid, long ticksPerSecond) {
        this.pid = pid;
        this.ticksPerSecond = ticksPerSecond;
    }

    /** Memory figures in bytes. */
    public record Memory(long rssBytes, long peakRssBytes) {
    }

    /** User plus system CPU seconds consumed so far. */
    public double cpuSeconds() throws IOException {
        return cpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))) / (double) ticksPerSecond;
    }

    public Memory memory() throws IOException {
        return memory(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
    }

    /**
     * utime + stime of a {@code /proc/<pid>/stat} line. The command name (field 2) is in
     * parentheses and may hold spaces and parentheses itself, so fields are counted after the last ')'.
     */
    static long cpuTicks(String statLine) {
        int close = statLine.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line");
        }
        String[] fields = statLine.substring(close + 1).trim().split("\\s+");
        // fields[0] is field 3 (state); utime is field 14, stime field 15
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    static Memory memory(String status) {
        long rss = -1;
        long hwm = -1;
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                rss = kilobytes(line);
            } else if (line.startsWith("VmHWM:")) {
                hwm = kilobytes(line);
            }
        }
        if (rss < 0 || hwm < 0) {
            throw new IllegalArgumentException("no VmRSS/VmHWM in /proc/<pid>/status");
        }
        return new Memory(rss * 1024, hwm * 1024);
    }

    private static long kilobytes(String line) {
        String[] parts = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
        return Long.parseLong(parts[0]);
    }

    /** {@code getconf CLK_TCK}, falling back to Linux's usual 100. */
    public static long clockTicks() {
        try {
            Process process = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes()).trim();
            process.waitFor();
            return Long.parseLong(out);
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }

    /** The 1-minute load average, from {@code /proc/loadavg}. */
    public static double loadAverage() {
        try {
            return loadAverage(Files.readString(Path.of("/proc/loadavg")));
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    static double loadAverage(String loadavg) {
        return Double.parseDouble(loadavg.trim().split("\\s+")[0]);
    }
}
