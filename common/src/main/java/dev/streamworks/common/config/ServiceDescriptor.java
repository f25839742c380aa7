package dev.streamworks.common.config;

import java.util.List;

/**
 * What a service tells the shared wiring about itself: the topics it reads and writes (created
 * when missing, with {@code <service>.dlq} and {@code <service>.late}).
 *
 * @param inputs           topics the service reads as streams (the inputs with event time)
 * @param outputs          topics the service writes
 * @param compactedOutputs outputs that hold a table (one current value per key)
 * @param tables           tables the service only reads (a global table): created compacted when
 *                         missing, so the service can start first, but never written, so their
 *                         retention is their owner's business
 */
public record ServiceDescriptor(List<String> inputs, List<String> outputs, List<String> compactedOutputs,
                                List<String> tables) {

    public ServiceDescriptor {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        compactedOutputs = List.copyOf(compactedOutputs);
        tables = List.copyOf(tables);
    }

    /** A service that reads no table. */
    public ServiceDescriptor(List<String> inputs, List<String> outputs, List<String> compactedOutputs) {
        this(inputs, outputs, compactedOutputs, List.of());
    }
}
