package dev.streamworks.bench;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bench launches a service as its image does: iot-alerts-service's jar (built before this
 * module in the reactor) unpacked, with a class-data archive recorded without a broker, which a
 * JVM that insists on it ({@code -Xshare:on}) then maps.
 */
@Tag("integration")
@Timeout(300)
class ClassDataArchiveIT {

    @TempDir
    Path temp;

    @Test
    void shouldUnpackTheServiceAndRecordAnArchiveThatItsJvmMapsWithoutABrokerOncePerBuild() throws Exception {
        // given
        Path repository = Path.of(System.getProperty("bench.repository", "..")).toAbsolutePath().normalize();
        Path built = Pipeline.ALL.get("iot").jar(repository);
        Path jar = Files.copy(built, Files.createDirectories(temp.resolve("target")).resolve(built.getFileName()));

        // when
        Path dir = ClassDataArchive.prepare(jar);
        FileTime recorded = Files.getLastModifiedTime(dir.resolve(ClassDataArchive.ARCHIVE));
        Path again = ClassDataArchive.prepare(jar);

        // then
        assertThat(dir.resolve(ClassDataArchive.APPLICATION)).isRegularFile();
        assertThat(dir.resolve("lib")).isDirectory();
        assertThat(Files.size(dir.resolve(ClassDataArchive.ARCHIVE))).isPositive();
        assertThat(again).isEqualTo(dir);
        assertThat(Files.getLastModifiedTime(dir.resolve(ClassDataArchive.ARCHIVE))).isEqualTo(recorded);
        // -Xshare:on fails the JVM if the archive cannot be mapped; the refresh exits before anything starts
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:on", "-Dspring.context.exit=onRefresh"));
        command.addAll(ClassDataArchive.launchArguments());
        command.add("--spring.kafka.bootstrap-servers=localhost:1");
        Path log = temp.resolve("launch.log");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(() -> read(log)).isZero();
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
