package dev.streamworks.differential.harness;

import dev.streamworks.differential.gen.DataSet;
import dev.streamworks.differential.ref.Contract;
import dev.streamworks.differential.ref.Expected;
import org.springframework.boot.builder.SpringApplicationBuilder;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the harness needs to know about one service: how to start it, the property naming each of
 * its topics (so each run gets topics of its own on the shared broker), its input topics (the
 * table ones are compacted), and how to generate data and compute the reference.
 *
 * @param service        the contract's application id ({@code clickstream}): {@code <service>.late}, {@code .dlq}
 * @param application    the service's Spring Boot application
 * @param topicProperty  contract topic name -> the property that renames it
 * @param streams        input topics with event time
 * @param tables         input topics read as tables (compacted)
 * @param properties     further settings of every run
 * @param hours          hours of event time of the data (short, large)
 */
public record Pipeline(String service, Supplier<SpringApplicationBuilder> application, Map<String, String> topicProperty,
                       List<String> streams, List<String> tables, Map<String, String> properties,
                       Generator generator, Reference reference, int[] hours) {

    public int hours(boolean large) {
        return hours[large ? 1 : 0];
    }

    /** Generates the data of a run. */
    @FunctionalInterface
    public interface Generator {
        DataSet generate(long seed, int partitions, Instant base, boolean large);
    }

    /** The reference outputs of a run. */
    @FunctionalInterface
    public interface Reference {
        Expected compute(DataSet data, Pace pace, Contract.Settings settings);
    }

    /** How the data reaches the service. */
    public enum Pace {
        /** everything produced before the service starts */
        BACKLOG,
        /** the service runs; chunk after chunk, each once the previous one is processed */
        LIVE
    }
}
