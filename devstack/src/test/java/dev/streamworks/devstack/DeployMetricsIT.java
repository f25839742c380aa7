package dev.streamworks.devstack;

import dev.streamworks.common.testing.KafkaBroker;
import dev.streamworks.common.testing.RunningService;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every metric an alert rule or a dashboard panel reads is one a running service exports: each
 * service of the devstack runs for real against a real broker, and its /actuator/prometheus is
 * scraped. Rules and the overview dashboard must find their metrics in every service; a service's
 * own dashboard in that service.
 */
@Tag("integration")
@Timeout(300)
class DeployMetricsIT {

    @Test
    void shouldReadOnlyMetricsTheServicesExport() throws Exception {
        Map<String, Set<String>> exported = new HashMap<>();
        for (DevService service : Devstack.services()) {
            exported.put(service.name(), scrape(service));
        }
        Map<String, List<String>> expressions = DeployFiles.promqlExpressions();
        assertThat(expressions).containsKeys("prometheus/alerts.yml", "grafana/dashboards/streamworks-overview.json");
        for (Map.Entry<String, List<String>> file : expressions.entrySet()) {
            Set<String> read = file.getValue().stream().flatMap(expression -> DeployFiles.metricNames(expression).stream())
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(read).as(file.getKey() + " reads metrics").isNotEmpty();
            String dashboardOf = file.getKey().replace("grafana/dashboards/", "").replace(".json", "");
            for (Map.Entry<String, Set<String>> service : exported.entrySet()) {
                if (file.getKey().startsWith("grafana/dashboards/") && exported.containsKey(dashboardOf)
                        && !dashboardOf.equals(service.getKey())) {
                    continue;
                }
                assertThat(service.getValue()).as("%s reads metrics %s does not export", file.getKey(), service.getKey())
                        .containsAll(read);
            }
        }
    }

    /** The metric names of a running service, once every state store reports. */
    private static Set<String> scrape(DevService service) throws Exception {
        try (RunningService running = RunningService.start(service.application().get(), Map.of(
                "spring.kafka.bootstrap-servers", KafkaBroker.shared().bootstrapServers(),
                "server.port", "0",
                "streamworks.state-dir", Files.createTempDirectory("deploy-metrics-" + service.name()).toString(),
                "streamworks.leave-group-on-close", "true",
                "streamworks.topics.partitions", "1",
                "streamworks.progress.interval", "1s"))) {
            Set<String> names = new TreeSet<>();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                names.clear();
                for (String line : running.get("/actuator/prometheus").body().split("\n")) {
                    if (!line.startsWith("#") && !line.isBlank()) {
                        names.add(line.split("[{ ]", 2)[0]);
                    }
                }
                // a store's two gauges are registered one after the other: a scrape may fall between
                assertThat(names).contains("streamworks_state_rows", "streamworks_state_memory_bytes",
                        "streamworks_records_in_total");
            });
            return names;
        }
    }
}
