package dev.streamworks.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A service jar launched as its image launches it (deploy/docker/Dockerfile): unpacked with Spring
 * Boot's {@code jarmode=tools} as {@code application.jar} plus {@code lib/}, with the class-data
 * archive {@code application.jsa} of a training run ({@code -XX:ArchiveClassesAtExit},
 * {@code -Dspring.context.exit=onRefresh}, no broker), and started from that directory with
 * {@code java -XX:SharedArchiveFile=application.jsa -jar application.jar}. Prepared once per build of
 * the jar, next to it ({@code target/cds/}), before any clock starts.
 */
final class ClassDataArchive {

    static final String APPLICATION = "application.jar";
    static final String ARCHIVE = "application.jsa";

    private ClassDataArchive() {
    }

    /**
     * The unpacked directory of {@code jar} with its archive, made now unless it is there for this
     * build of the jar (same size and modification time).
     */
    static Path prepare(Path jar) throws IOException, InterruptedException {
        Path dir = jar.resolveSibling("cds");
        Path stamp = dir.resolve("source.stamp");
        String source = jar.toAbsolutePath() + " " + Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis();
        if (Files.isRegularFile(stamp) && Files.readString(stamp).equals(source)
                && Files.isRegularFile(dir.resolve(ARCHIVE))) {
            return dir;
        }
        ServiceProcess.deleteTree(dir);
        Files.createDirectories(dir);
        Path log = dir.resolve("prepare.log");
        run(dir, log, List.of("-Djarmode=tools", "-jar", jar.toAbsolutePath().toString(), "extract",
                "--application-filename", APPLICATION, "--destination", dir.toAbsolutePath().toString(), "--force"));
        run(dir, log, List.of("-XX:ArchiveClassesAtExit=" + ARCHIVE, "-Dspring.context.exit=onRefresh",
                "-jar", APPLICATION));
        if (!Files.isRegularFile(dir.resolve(ARCHIVE)) || Files.size(dir.resolve(ARCHIVE)) == 0) {
            throw new IllegalStateException("the training run of " + jar + " wrote no class-data archive; see " + log);
        }
        Files.writeString(stamp, source);
        return dir;
    }

    /** The JVM arguments that start the prepared service: the archive and the application jar (relative to its directory). */
    static List<String> launchArguments() {
        return List.of("-XX:SharedArchiveFile=" + ARCHIVE, "-jar", APPLICATION);
    }

    private static void run(Path dir, Path log, List<String> arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in 3 minutes; see " + log);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue()
                    + "; see " + log);
        }
    }
}
