package dev.streamworks.faults;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The suite's judge until the reference model exists: the outputs of an uninterrupted run of the
 * same input, on a broker of its own, with one instance that is never disturbed. Runs of the same
 * input are made once and kept for the suite's other scenarios.
 */
final class ReferenceRun implements Judge {

    private final Map<Object, Map<String, List<Output>>> done = new HashMap<>();

    @Override
    public Map<String, List<Output>> expected(Target target, Scenario.Input input) throws Exception {
        Object key = List.of(target.name(), input.id());
        Map<String, List<Output>> cached = done.get(key);
        if (cached != null) {
            return cached;
        }
        Path dir = Files.createTempDirectory("faults-reference-");
        try (Cluster cluster = Cluster.start(null)) {
            Scenario.createInputs(cluster, target, input.partitions());
            try (Instance instance = new Instance(target, cluster.bootstrapServers(), target.name() + "-reference", dir,
                    input.serviceArgs())) {
                instance.start();
                instance.awaitReady(Scenario.START_TIMEOUT);
                try (KafkaProducer<byte[], byte[]> producer = cluster.producer()) {
                    for (ProducerRecord<byte[], byte[]> record : input.records()) {
                        producer.send(record);
                    }
                }
                Scenario.drain(cluster, target, List.of(instance), Duration.ofMinutes(5));
                Map<String, List<Output>> outputs = Scenario.outputs(cluster, target);
                done.put(key, outputs);
                return outputs;
            }
        } finally {
            dev.streamworks.bench.ServiceProcess.deleteTree(dir);
        }
    }
}
