package dev.streamworks.devstack;

import dev.streamworks.common.serde.Json;
import dev.streamworks.common.testing.KafkaBroker;
import dev.streamworks.common.testing.RunningService;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.test.util.ReflectionTestUtils;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The monitoring of the compose stack, for real: the four services run in this test against a
 * real broker, with their production defaults; the real Prometheus binary scrapes them with the
 * repository's scrape configuration (its targets pointed at this machine, scraped every second)
 * and evaluates the repository's alert rules (extracted from the PrometheusRule as the compose
 * stack extracts them; only their {@code for} durations shortened to 5 s, so the test does not
 * wait minutes). Every target must be UP and no alert fire; when one service's Kafka Streams
 * stops, {@code StreamworksStreamsNotRunning} must fire for that service alone; when a service is
 * gone, {@code StreamworksServiceDown}. It also checks two production defaults only a running
 * service shows: health details hidden, and the Streams close timeout raised above spring-kafka's
 * 10 s. Skipped where the {@code prometheus} binary is not installed ({@code .ci/run} installs
 * the Debian package).
 */
@Tag("integration")
@Timeout(480)
@EnabledIf(value = "prometheusInstalled", disabledReason = "the prometheus binary is not installed (Debian package prometheus; .ci/run installs it)")
class DeployPrometheusIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String STOPPED = "iot-alerts-service";
    private static final String GONE = "fraud-service";

    private final HttpClient http = HttpClient.newHttpClient();

    static boolean prometheusInstalled() {
        return DeployFiles.onPath("prometheus");
    }

    @Test
    void prometheusShouldScrapeEveryServiceAndFireTheRepositorysAlerts(@TempDir Path work) throws Exception {
        Map<String, RunningService> services = new LinkedHashMap<>();
        Process prometheus = null;
        try {
            for (DevService service : Devstack.services()) {
                services.put(service.name(), RunningService.start(service.application().get(), Map.of(
                        "spring.kafka.bootstrap-servers", KafkaBroker.shared().bootstrapServers(),
                        "server.port", "0",
                        "streamworks.state-dir", Files.createTempDirectory("deploy-prometheus-" + service.name()).toString(),
                        "streamworks.leave-group-on-close", "true",
                        "streamworks.topics.partitions", "1",
                        "streamworks.progress.interval", "1s")));
            }
            for (Map.Entry<String, RunningService> service : services.entrySet()) {
                // production defaults: /actuator/health tells anonymous callers the status, no details ...
                HttpResponse<String> health = service.getValue().get("/actuator/health");
                assertThat(health.statusCode()).isEqualTo(200);
                JsonNode body = Json.mapper().readTree(health.body());
                assertThat(body.path("status").asString()).as(service.getKey()).isEqualTo("UP");
                assertThat(body.has("components") || body.has("details")).as(service.getKey() + ": " + body).isFalse();
                assertThat(health.body()).doesNotContain("kafkaStreams", "RUNNING");
                // ... and a shutdown waits for Kafka Streams longer than spring-kafka's 10 s
                assertThat(ReflectionTestUtils.getField(service.getValue().bean(StreamsBuilderFactoryBean.class),
                        "closeTimeout")).as(service.getKey()).isEqualTo(Duration.ofSeconds(60));
            }

            int port = freePort();
            prometheus = startPrometheus(work, port, services);
            String api = "http://127.0.0.1:" + port + "/api/v1/";

            await("every target UP").atMost(WAIT).untilAsserted(() -> {
                JsonNode targets = get(api + "targets?state=active").path("data").path("activeTargets");
                List<String> up = new ArrayList<>();
                for (JsonNode target : targets) {
                    if (target.path("health").asString().equals("up")) {
                        up.add(target.path("labels").path("job").asString());
                    }
                }
                assertThat(targets).hasSize(services.size());
                assertThat(up).containsExactlyInAnyOrderElementsOf(services.keySet());
            });
            await("the rules evaluated on the scraped series").atMost(WAIT).untilAsserted(() ->
                    assertThat(get(api + "query?query=" + URLEncoder.encode("streamworks_streams_ready == 1",
                            StandardCharsets.UTF_8)).path("data").path("result")).hasSize(services.size()));
            assertThat(alerts(api, "firing")).as("nothing fires while every service runs").isEmpty();

            services.get(STOPPED).bean(StreamsBuilderFactoryBean.class).stop();
            await("StreamworksStreamsNotRunning for " + STOPPED).atMost(WAIT).untilAsserted(() ->
                    assertThat(alerts(api, "firing")).containsExactly(
                            "StreamworksStreamsNotRunning application=" + STOPPED + " job=" + STOPPED));

            services.remove(GONE).close();
            await("StreamworksServiceDown for " + GONE).atMost(WAIT).untilAsserted(() ->
                    assertThat(alerts(api, "firing")).containsExactlyInAnyOrder(
                            "StreamworksStreamsNotRunning application=" + STOPPED + " job=" + STOPPED,
                            "StreamworksServiceDown application= job=" + GONE));
        } finally {
            if (prometheus != null) {
                prometheus.destroy();
                prometheus.waitFor();
            }
            services.values().forEach(RunningService::close);
        }
    }

    /** The repository's Prometheus, on this machine's services: the compose stack's jobs and rules. */
    private Process startPrometheus(Path work, int port, Map<String, RunningService> services) throws IOException {
        Path rules = work.resolve("alerts.yml");
        DeployFiles.run("sh", DeployFiles.DEPLOY.resolve("prometheus/extract-rules.sh").toAbsolutePath().toString(),
                DeployFiles.DEPLOY.resolve("prometheus/alerts.yml").toAbsolutePath().toString(), rules.toString());
        Map<String, Object> ruleFile = DeployFiles.yamlFile(rules);
        for (Object group : (List<?>) ruleFile.get("groups")) {
            for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> editable = (Map<String, Object>) rule;
                editable.computeIfPresent("for", (key, value) -> "5s");
            }
        }
        Files.writeString(rules, yaml().dump(ruleFile));

        Map<String, Object> config = DeployFiles.yamlFile(DeployFiles.DEPLOY.resolve("prometheus/prometheus.yml"));
        config.put("global", Map.of("scrape_interval", "1s", "evaluation_interval", "1s"));
        config.put("rule_files", List.of(rules.toString()));
        config.remove("alerting");
        for (Object each : (List<?>) config.get("scrape_configs")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> job = (Map<String, Object>) each;
            RunningService service = services.get(String.valueOf(job.get("job_name")));
            assertThat(service).as("a service for job " + job.get("job_name")).isNotNull();
            job.put("static_configs", List.of(Map.of("targets", List.of("127.0.0.1:" + service.port()))));
        }
        Path configFile = work.resolve("prometheus.yml");
        Files.writeString(configFile, yaml().dump(config));

        return new ProcessBuilder("prometheus", "--config.file=" + configFile,
                "--storage.tsdb.path=" + work.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(work.resolve("prometheus.log").toFile()).start();
    }

    /** The alerts in a state, as "name label=value ..." (application and job). */
    private List<String> alerts(String api, String state) {
        List<String> alerts = new ArrayList<>();
        for (JsonNode alert : get(api + "alerts").path("data").path("alerts")) {
            if (alert.path("state").asString().equals(state)) {
                JsonNode labels = alert.path("labels");
                alerts.add(labels.path("alertname").asString() + " application=" + labels.path("application").asString("")
                        + " job=" + labels.path("job").asString());
            }
        }
        return alerts;
    }

    private JsonNode get(String url) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(url).isEqualTo(200);
            return Json.mapper().readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("GET " + url + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Yaml yaml() {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(options);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
