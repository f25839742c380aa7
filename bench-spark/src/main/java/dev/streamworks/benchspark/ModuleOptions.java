package dev.streamworks.benchspark;

import org.apache.spark.launcher.JavaModuleOptions;

/**
 * Prints the JVM options this Spark version needs on Java 17 ({@code --add-opens} and friends,
 * the list {@code spark-submit} adds), one per line. The bench runs it once before launching
 * {@link SparkPeer}, so the options always match the Spark on the class path.
 */
public final class ModuleOptions {

    private ModuleOptions() {
    }

    public static void main(String[] args) {
        for (String option : JavaModuleOptions.defaultModuleOptionArray()) {
            System.out.println(option);
        }
    }
}
