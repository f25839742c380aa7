package dev.streamworks.common.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Chromium ({@code apt-get install chromium}), run headless on a page: its DOM after the
 * page's scripts ran for a while ({@code --dump-dom} after a virtual time budget), or a screenshot.
 * Each run gets a fresh profile directory; background networking is off (no connection leaves the
 * machine).
 */
public final class HeadlessChromium {

    private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome");

    private final Path binary;
    private final Path workDir;

    private HeadlessChromium(Path binary, Path workDir) {
        this.binary = binary;
        this.workDir = workDir;
    }

    /** Chromium where Debian installs it (or {@code CHROMIUM} names it); empty when it is not installed. */
    public static Optional<HeadlessChromium> find(Path workDir) {
        String named = System.getenv("CHROMIUM");
        List<String> candidates = new ArrayList<>();
        if (named != null && !named.isBlank()) {
            candidates.add(named);
        }
        candidates.addAll(CANDIDATES);
        return candidates.stream().map(Path::of).filter(Files::isExecutable).findFirst()
                .map(binary -> new HeadlessChromium(binary, workDir));
    }

    /** The page's DOM as serialized once it loaded and its timers ran for {@code budgetMs} of virtual time. */
    public String dumpDom(String url, int budgetMs) throws IOException, InterruptedException {
        Path out = workDir.resolve("dom-" + System.nanoTime() + ".html");
        run(List.of("--dump-dom", "--virtual-time-budget=" + budgetMs, url), out);
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** A PNG of the page at {@code width} x {@code height}, after {@code budgetMs} of virtual time. */
    public void screenshot(String url, int budgetMs, int width, int height, Path png)
            throws IOException, InterruptedException {
        Files.createDirectories(png.getParent());
        run(List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                "--hide-scrollbars", "--virtual-time-budget=" + budgetMs, url), workDir.resolve("screenshot.out"));
    }

    private void run(List<String> arguments, Path stdout) throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        Path profile = Files.createTempDirectory(workDir, "profile");
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile));
        command.addAll(arguments);
        Path stderr = workDir.resolve("chromium-" + System.nanoTime() + ".log");
        Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                .start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("Chromium did not finish within 90 s: " + command + ", see " + stderr);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("Chromium exited with " + process.exitValue() + ": " + command + ", see "
                    + stderr);
        }
    }
}
