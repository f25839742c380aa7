package dev.streamworks.common.config;

import java.util.List;

/**
 * What a service tells the shared wiring about itself: the topics it reads and writes (created
 * when missing, with {@code <service>.dlq} and {@code <service>.late}).
 *
 * @param inputs          topics the service reads as streams (the inputs with event time)
 * @param outputs         topics the service writes
 * @param compactedOutputs outputs that hold a table (one current value per key)
 */
public record ServiceDescriptor(List<String> inputs, List<String> outputs, List<String> compactedOutputs) {

    public ServiceDescriptor {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        compactedOutputs = List.copyOf(compactedOutputs);
    }
}
