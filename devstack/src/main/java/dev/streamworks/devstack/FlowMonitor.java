package dev.streamworks.devstack;

import dev.streamworks.common.serde.Json;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.databind.JsonNode;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Reads every output, dead-letter and late topic as a user's consumer would (read_committed)
 * and prints what flows: counts per topic every few seconds, and each new overheat alert.
 */
final class FlowMonitor implements AutoCloseable {

    private static final int ALERTS_PER_REPORT = 5;

    private final List<DevService> services;
    private final KafkaConsumer<String, String> consumer;
    private final Map<String, Long> counts = new HashMap<>();
    private final List<String> newAlerts = new ArrayList<>();
    private final PrintStream out;

    FlowMonitor(String bootstrapServers, List<DevService> services, PrintStream out) {
        this.services = services;
        this.out = out;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "devstack-monitor-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new StringDeserializer());
        List<String> topics = new ArrayList<>();
        for (DevService service : services) {
            service.outputs().forEach(output -> topics.add(output.topic()));
            topics.add(service.deadLetterTopic());
            topics.add(service.lateTopic());
        }
        consumer.subscribe(topics);
    }

    /** Reads for {@code duration}, counting as it goes. */
    void poll(Duration duration) {
        long until = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < until) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                counts.merge(record.topic(), 1L, Long::sum);
                if (record.topic().equals("device-alerts")) {
                    describeAlert(record.value());
                }
            }
        }
    }

    private void describeAlert(String json) {
        JsonNode alert = Json.mapper().readTree(json);
        if (!"OVERHEAT".equals(alert.path("alert_type").asString()) || newAlerts.size() >= ALERTS_PER_REPORT) {
            return;
        }
        newAlerts.add(String.format(Locale.ROOT, "  ALERT %s %s: max %.1f °C (threshold %.1f) in window %s .. %s",
                alert.path("device_id").asString(), alert.path("alert_type").asString(),
                alert.path("max_temp").asDouble(), alert.path("threshold").asDouble(),
                alert.path("window").path("start").asString(), alert.path("window").path("end").asString()));
    }

    void report(Duration elapsed, long generated, int rate) {
        out.printf(Locale.ROOT, "%n[%s] generated %,d events (%,d/s per pipeline)%n", clock(elapsed), generated, rate);
        for (DevService service : services) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-20s", service.name()));
            for (DevService.Output output : service.outputs()) {
                line.append(String.format(Locale.ROOT, "  %s %,d", output.label(), count(output.topic())));
            }
            line.append(String.format(Locale.ROOT, "  dlq %,d  late %,d", count(service.deadLetterTopic()),
                    count(service.lateTopic())));
            out.println(line);
        }
        newAlerts.forEach(out::println);
        newAlerts.clear();
        out.flush();
    }

    private long count(String topic) {
        return counts.getOrDefault(topic, 0L);
    }

    private static String clock(Duration elapsed) {
        return String.format(Locale.ROOT, "%02d:%02d:%02d", elapsed.toHours(), elapsed.toMinutesPart(),
                elapsed.toSecondsPart());
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
