package dev.streamworks.common.ops;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/** {@code /actuator/progress}: the last measurement, as Spark's {@code query.lastProgress}. */
@Endpoint(id = "progress")
public class ProgressEndpoint {

    private final ProgressReporter reporter;

    public ProgressEndpoint(ProgressReporter reporter) {
        this.reporter = reporter;
    }

    @ReadOperation
    public Progress progress() {
        return reporter.latest();
    }
}
