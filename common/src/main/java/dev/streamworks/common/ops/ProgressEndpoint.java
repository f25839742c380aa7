package dev.streamworks.common.ops;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

import java.util.List;

/**
 * {@code /actuator/progress}: the last measurement, as Spark's {@code query.lastProgress};
 * {@code /actuator/progress/recent}: the last {@code streamworks.progress.history} measurements,
 * oldest first, as Spark's {@code query.recentProgress}.
 */
@Endpoint(id = "progress")
public class ProgressEndpoint {

    public static final String RECENT = "recent";

    private final ProgressReporter reporter;

    public ProgressEndpoint(ProgressReporter reporter) {
        this.reporter = reporter;
    }

    @ReadOperation
    public Progress progress() {
        return reporter.latest();
    }

    /** {@code recent}; anything else is not there (404). */
    @ReadOperation
    public List<Progress> history(@Selector String which) {
        return RECENT.equals(which) ? reporter.recent() : null;
    }
}
