package dev.streamworks.faults;

import java.util.List;
import java.util.Map;

/**
 * Decides whether the outputs of a run are right. The suite's own judge compares with an
 * uninterrupted run of the same input ({@link ReferenceRun}); the reference model of the
 * differential tests can take its place: the same input in, the expected records of each output out.
 */
interface Judge {

    /** One output record as a reader sees it: key and value as UTF-8 text (null for null). */
    record Output(String key, String value) {
    }

    /**
     * The expected records of each output of {@code target} for {@code input}, compared as the
     * target's {@link Target.Compare} says.
     */
    Map<String, List<Output>> expected(Target target, Scenario.Input input) throws Exception;
}
