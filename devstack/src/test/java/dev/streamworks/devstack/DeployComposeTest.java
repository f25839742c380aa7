package dev.streamworks.devstack;

import dev.streamworks.common.serde.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compose stack holds what production needs (issue 15), statically (no Docker engine here):
 * clean shutdowns, the services' memory sized as on Kubernetes, the hardening the pods have,
 * static membership settings, a broker at the clients' Kafka version with a heap below its limit,
 * Alertmanager and health-checked monitoring, no anonymous Grafana, no credentials in the
 * connector JSON.
 */
@SuppressWarnings("unchecked")
class DeployComposeTest {

    private static final List<String> SERVICES = List.of("clickstream-service", "iot-alerts-service", "fraud-service",
            "cdc-service");
    private static final Duration HTTP_SHUTDOWN = Duration.ofSeconds(30);

    private final DeployFiles deploy = new DeployFiles();
    private final Map<String, Object> services = (Map<String, Object>) DeployFiles.yamlFile(DeployFiles.DEPLOY.resolve("docker-compose.yml"))
            .get("services");

    @Test
    void servicesShouldCloseTheirStreamsBeforeDockerKillsThem() {
        Duration closeTimeout = DeployFiles.duration(deploy.defaultOf("streamworks.close-timeout"));
        for (String name : SERVICES) {
            Map<String, Object> service = service(name);
            assertThat(service.get("stop_grace_period")).as(name + " stop_grace_period").isNotNull();
            assertThat(DeployFiles.duration(String.valueOf(service.get("stop_grace_period")))).as(name)
                    .isGreaterThan(closeTimeout.plus(HTTP_SHUTDOWN));
        }
        assertThat(service("kafka").get("stop_grace_period")).as("the broker's controlled shutdown").isNotNull();
    }

    @Test
    void servicesShouldBeSizedAsOnKubernetesAndAsDeployReadmeStates() {
        Map<String, DeploySizing> sizing = DeploySizing.fromReadme();
        for (String name : SERVICES) {
            Map<String, Object> environment = environment(name);
            assertThat(String.valueOf(environment.get("JAVA_TOOL_OPTIONS"))).as(name).contains("-XX:+ExitOnOutOfMemoryError")
                    .as(name + ": no start-up flag that costs throughput (deploy/README.md, start-up)").doesNotContain("TieredStopAtLevel");
            long heap = DeploySizing.heapOf(String.valueOf(environment.get("JAVA_TOOL_OPTIONS")));
            long pool = DeploySizing.bytes(String.valueOf(environment.get("STREAMWORKS_ROCKSDB_TOTAL_MEMORY")));
            long limit = DeploySizing.bytes(String.valueOf(memoryLimit(name)));
            assertThat(new long[] {heap, pool, limit}).as(name + ": as deploy/README.md states")
                    .containsExactly(sizing.get(name).heapBytes(), sizing.get(name).rocksDbBytes(),
                            sizing.get(name).limitBytes());
            // a tmpfs counts in the container's memory: /tmp is small and bounded
            assertThat(String.valueOf(service(name).get("tmpfs"))).as(name).contains("/tmp:size=");
        }
    }

    @Test
    void servicesShouldRunHardenedAsThePods() {
        for (String name : SERVICES) {
            Map<String, Object> service = service(name);
            assertThat(service.get("read_only")).as(name + " read_only").isEqualTo(true);
            // Docker mounts a tmpfs noexec unless told: RocksDB's JNI library, extracted there, would not load
            assertThat((List<Object>) service.get("tmpfs")).as(name + " tmpfs").anySatisfy(tmpfs ->
                    assertThat(String.valueOf(tmpfs)).startsWith("/tmp:").contains("exec").doesNotContain("noexec"));
            assertThat((List<Object>) service.get("cap_drop")).as(name + " cap_drop").contains("ALL");
            assertThat((List<Object>) service.get("cap_add")).as(name + " cap_add").isNull();
            assertThat((List<Object>) service.get("security_opt")).as(name).contains("no-new-privileges:true");
            assertThat(service.get("privileged")).as(name).isIn(null, false);
        }
    }

    @Test
    void servicesShouldKeepStaticMembershipAcrossRestarts() {
        for (String name : SERVICES) {
            Map<String, Object> environment = environment(name);
            assertThat(environment.get("STREAMWORKS_INSTANCE_ID")).as(name).isEqualTo(name + "-0");
            assertThat(environment.get("STREAMWORKS_ADVERTISED_HOST")).as(name).isEqualTo(name);
            assertThat(Long.parseLong(String.valueOf(environment.get("SPRING_KAFKA_STREAMS_PROPERTIES_SESSION_TIMEOUT_MS"))))
                    .as(name + " session.timeout.ms").isGreaterThanOrEqualTo(Duration.ofSeconds(60).toMillis());
        }
    }

    @Test
    void brokerShouldBeAtLeastTheClientsVersionWithAHeapHalfItsLimit() throws IOException {
        Map<String, String> env = DeployFiles.envFile(DeployFiles.DEPLOY.resolve(".env"));
        String image = env.get("KAFKA_IMAGE");
        assertThat(image).startsWith("apache/kafka:");
        assertThat(compareVersions(image.substring("apache/kafka:".length()), kafkaClientsVersion()))
                .as("broker %s not older than the clients %s", image, kafkaClientsVersion())
                .isGreaterThanOrEqualTo(0);

        Map<String, Object> kafka = service("kafka");
        String heapOptions = String.valueOf(((Map<String, Object>) kafka.get("environment")).get("KAFKA_HEAP_OPTS"));
        long heap = DeploySizing.heapOf(heapOptions);
        long limit = DeploySizing.bytes(String.valueOf(memoryLimit("kafka")));
        assertThat(heap).as("broker heap %s under its limit %s, room for the page cache", heapOptions, limit)
                .isLessThanOrEqualTo(limit / 2);
    }

    @Test
    void monitoringShouldBeHealthCheckedAndAlertToAlertmanager() {
        for (String name : List.of("prometheus", "alertmanager", "grafana")) {
            assertThat((Map<String, Object>) service(name).get("healthcheck")).as(name + " healthcheck").isNotNull()
                    .containsKey("test");
        }
        assertThat(String.valueOf(service("prometheus").get("healthcheck"))).contains("/-/ready");
        assertThat(String.valueOf(service("alertmanager").get("healthcheck"))).contains("/-/ready");
        assertThat(String.valueOf(service("grafana").get("healthcheck"))).contains("/api/health");
        Map<String, Object> prometheus = DeployFiles.yamlFile(DeployFiles.DEPLOY.resolve("prometheus/prometheus.yml"));
        assertThat(String.valueOf(prometheus.get("alerting"))).contains("alertmanager:9093");
        // Prometheus loads the rule groups of the PrometheusRule, extracted where its configuration reads them
        assertThat(String.valueOf(service("prometheus").get("entrypoint")))
                .contains("/etc/prometheus/extract-rules.sh", "/etc/prometheus/alerts.yml", "/rules/alerts.yml");
        assertThat((List<Object>) prometheus.get("rule_files")).containsExactly("/rules/alerts.yml");
    }

    @Test
    void grafanaShouldHaveNoAnonymousViewersAndNoDefaultPassword() {
        Map<String, Object> environment = environment("grafana");
        assertThat(String.valueOf(environment.get("GF_AUTH_ANONYMOUS_ENABLED"))).isEqualTo("false");
        assertThat(String.valueOf(environment.get("GF_SECURITY_ADMIN_PASSWORD")))
                .as("required, no default").matches("\\$\\{GRAFANA_ADMIN_PASSWORD:\\?.+}");
    }

    @Test
    void connectorsShouldReadCredentialsFromTheWorkersEnvironment() throws IOException {
        try (Stream<Path> files = Files.list(DeployFiles.DEPLOY.resolve("connect"))) {
            List<Path> connectors = files.filter(file -> file.toString().endsWith(".json")).sorted().toList();
            assertThat(connectors).isNotEmpty();
            for (Path connector : connectors) {
                JsonNode config = Json.mapper().readTree(connector.toFile()).path("config");
                for (String key : List.of("database.user", "database.password")) {
                    assertThat(config.path(key).asString()).as(connector + " " + key).matches("\\$\\{env:[A-Z_]+}");
                }
                config.properties().forEach(entry -> {
                    if (entry.getKey().contains("password")) {
                        assertThat(entry.getValue().asString()).as(connector + " " + entry.getKey()).startsWith("${");
                    }
                });
            }
        }
        Map<String, Object> connect = environment("connect");
        assertThat(connect.get("CONNECT_CONFIG_PROVIDERS")).isEqualTo("env");
        assertThat(connect.get("CONNECT_CONFIG_PROVIDERS_ENV_CLASS"))
                .isEqualTo("org.apache.kafka.common.config.provider.EnvVarConfigProvider");
        assertThat(connect).containsKeys("POSTGRES_USER", "POSTGRES_PASSWORD");
    }

    private Map<String, Object> service(String name) {
        assertThat(services).containsKey(name);
        return (Map<String, Object>) services.get(name);
    }

    private Map<String, Object> environment(String name) {
        return (Map<String, Object>) service(name).get("environment");
    }

    private Object memoryLimit(String name) {
        Object limit = ((Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) service(name).get("deploy")).get("resources")).get("limits"))
                .get("memory");
        assertThat(limit).as(name + " memory limit").isNotNull();
        return limit;
    }

    /** Compares dotted numeric versions ({@code 4.4.0} vs {@code 4.3.1}); a suffix after '-' is ignored. */
    static int compareVersions(String a, String b) {
        int[] x = Arrays.stream(a.split("-")[0].split("\\.")).mapToInt(Integer::parseInt).toArray();
        int[] y = Arrays.stream(b.split("-")[0].split("\\.")).mapToInt(Integer::parseInt).toArray();
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Integer.compare(i < x.length ? x[i] : 0, i < y.length ? y[i] : 0);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** The version of the Kafka clients on the class path, from the file their jar carries. */
    private static String kafkaClientsVersion() throws IOException {
        java.util.Properties properties = new java.util.Properties();
        try (java.io.InputStream in = org.apache.kafka.clients.admin.Admin.class
                .getResourceAsStream("/kafka/kafka-version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        }
        return properties.getProperty("version", "unknown");
    }
}
