package dev.streamworks.devstack;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** {@code --version} of the devstack and the bench: the project's version, as Maven built it. */
public final class Version implements CommandLine.IVersionProvider {

    /** The project's version, or {@code unknown} outside a Maven build. */
    public static String project() {
        try (InputStream in = Version.class.getResourceAsStream("/streamworks-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {"Streamworks " + project() + " (Java " + Runtime.version() + ")"};
    }
}
