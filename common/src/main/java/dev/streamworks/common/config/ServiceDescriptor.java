package dev.streamworks.common.config;

import java.time.Duration;
import java.util.List;

/**
 * What a service tells the shared wiring about itself: the topics it reads and writes (created
 * when missing, with {@code <service>.dlq} and {@code <service>.late}), and the largest grace
 * period of its windows (the watermark delay that {@code /actuator/progress} reports).
 *
 * @param inputs          topics the service reads
 * @param outputs         topics the service writes
 * @param compactedOutputs outputs that hold a table (one current value per key)
 * @param watermarkDelay  largest grace period; zero for a service without windows
 */
public record ServiceDescriptor(List<String> inputs, List<String> outputs, List<String> compactedOutputs,
                                Duration watermarkDelay) {

    public ServiceDescriptor {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        compactedOutputs = List.copyOf(compactedOutputs);
    }
}
