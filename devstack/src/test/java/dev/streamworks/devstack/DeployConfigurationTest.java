package dev.streamworks.devstack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * Static checks of {@code deploy/} against the code (no Docker engine or cluster is needed): every
 * port, probe path, environment variable and property used there is one the services accept, and
 * every topic created is one a service reads or writes. Where {@code kubectl} and
 * {@code docker-compose} are installed, both overlays must render and the compose file validate.
 */
class DeployConfigurationTest {

    private static final List<String> SERVICES = List.of("clickstream-service", "iot-alerts-service", "fraud-service",
            "cdc-service");
    /** Variables that are not Spring properties: the downward API's, and the JVM's. */
    private static final Set<String> NOT_PROPERTIES = Set.of("POD_NAME", "POD_NAMESPACE", "SERVICE_NAME",
            "JAVA_TOOL_OPTIONS");

    private final DeployFiles deploy = new DeployFiles();

    @Test
    void shouldDeployEveryServiceAndOnlyThem() {
        Map<String, Object> services = services(compose());
        assertThat(services.keySet()).containsAll(SERVICES);
        for (String service : SERVICES) {
            assertThat(DeployFiles.DEPLOY.resolve("k8s/base/" + service + "/kustomization.yaml")).exists();
        }
        assertThat(prometheusTargets().keySet()).containsExactlyInAnyOrderElementsOf(SERVICES);
    }

    @Test
    void composeShouldUseOnlyPortsHealthChecksAndVariablesTheServicesHave() {
        Map<String, Object> services = services(compose());
        for (DevService service : Devstack.services()) {
            Map<String, Object> config = DeployFiles.serviceConfig(service.name());
            Map<?, ?> definition = (Map<?, ?>) services.get(service.name());
            String port = String.valueOf(config.get("server.port"));

            assertThat(((List<?>) definition.get("ports")).stream().map(String::valueOf).toList())
                    .as(service.name() + " ports").containsExactly(port + ":" + port);
            assertThat(String.valueOf(((Map<?, ?>) definition.get("healthcheck")).get("test")))
                    .contains("http://localhost:" + port + "/actuator/health/readiness");
            for (Object variable : ((Map<?, ?>) definition.get("environment")).keySet()) {
                assertThat(NOT_PROPERTIES.contains(variable) || deploy.acceptsEnvironmentVariable((String) variable, config))
                        .as("%s: environment variable %s binds to no property", service.name(), variable).isTrue();
            }
        }
    }

    @Test
    void composeTrafficProfileShouldRunTheDevstackGeneratorWithValidOptions() {
        Map<?, ?> traffic = (Map<?, ?>) services(compose()).get("traffic");
        List<?> command = (List<?>) traffic.get("command");

        assertThatCode(() -> DevstackOptions.parse(command.stream().map(String::valueOf).toArray(String[]::new)))
                .doesNotThrowAnyException();
        assertThat(DevstackOptions.parse(command.stream().map(String::valueOf).toArray(String[]::new)).trafficOnly())
                .isTrue();
    }

    @Test
    void kubernetesShouldUseOnlyPortsProbesVariablesAndPropertiesTheServicesHave() throws IOException {
        Map<String, Object> statefulSet = DeployFiles.yamlFile(DeployFiles.DEPLOY.resolve(
                "k8s/base/service-template/statefulset.yaml"));
        Map<?, ?> container = (Map<?, ?>) ((List<?>) ((Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) statefulSet.get("spec"))
                .get("template")).get("spec")).get("containers")).get(0);
        String probes = String.valueOf(container.get("readinessProbe")) + container.get("livenessProbe");
        assertThat(probes).contains("/actuator/health/readiness", "/actuator/health/liveness");
        List<String> variables = new ArrayList<>();
        for (Object entry : (List<?>) container.get("env")) {
            variables.add(String.valueOf(((Map<?, ?>) entry).get("name")));
        }
        variables.addAll(DeployFiles.envFile(DeployFiles.DEPLOY.resolve("k8s/base/kafka.env")).keySet());

        for (DevService service : Devstack.services()) {
            Map<String, Object> config = DeployFiles.serviceConfig(service.name());
            for (String variable : variables) {
                assertThat(NOT_PROPERTIES.contains(variable) || deploy.acceptsEnvironmentVariable(variable, config))
                        .as("%s: environment variable %s binds to no property", service.name(), variable).isTrue();
            }
            String kustomization = Files.readString(DeployFiles.DEPLOY.resolve(
                    "k8s/base/" + service.name() + "/kustomization.yaml"));
            assertThat(kustomization).as(service.name() + " container port")
                    .contains("containerPort\n        value: " + config.get("server.port"));
            Path overrides = DeployFiles.DEPLOY.resolve("k8s/base/" + service.name() + "/" + service.name() + ".yml");
            for (String property : DeployFiles.flatten(DeployFiles.yamlFile(overrides)).keySet()) {
                assertThat(deploy.accepts(property, config) || deploy.propertiesStartingWith(property + ".").size() > 0)
                        .as("%s: %s sets unknown property %s", service.name(), overrides, property).isTrue();
            }
        }
    }

    @Test
    void prometheusShouldScrapeEachServiceOnItsPortAndPath() {
        Map<String, String> targets = prometheusTargets();
        for (DevService service : Devstack.services()) {
            Object port = DeployFiles.serviceConfig(service.name()).get("server.port");
            assertThat(targets.get(service.name())).isEqualTo(service.name() + ":" + port);
        }
        assertThat(String.valueOf(DeployFiles.yamlFile(DeployFiles.DEPLOY.resolve("prometheus/prometheus.yml"))))
                .contains("metrics_path=/actuator/prometheus");
    }

    @Test
    void topicScriptShouldCreateTheTopicsOfEveryDeployedService() throws IOException {
        Set<String> created = createdTopics();
        Set<String> pipelineTopics = new LinkedHashSet<>();
        for (String property : deploy.propertiesStartingWith("streamworks.")) {
            // streamworks.<pipeline>.topics.<name>, the defaults being the contract's topic names
            if (property.matches("streamworks\\.[a-z-]+\\.topics\\.[a-z-]+") && deploy.defaultOf(property) != null) {
                pipelineTopics.add(deploy.defaultOf(property));
            }
        }
        assertThat(pipelineTopics).contains("iot-telemetry", "device-stats-5m", "device-alerts");
        assertThat(created).as("topics created by deploy/kafka/create-topics.sh").containsAll(pipelineTopics);
        for (DevService service : Devstack.services()) {
            Set<String> expected = new LinkedHashSet<>();
            expected.add(service.deadLetterTopic());
            expected.add(service.lateTopic());
            service.outputs().forEach(output -> expected.add(output.topic()));
            assertThat(created).as("topics created by deploy/kafka/create-topics.sh").containsAll(expected);
        }
    }

    @Test
    @EnabledIf(value = "kubectlInstalled", disabledReason = "kubectl is not installed (.ci/run installs it)")
    void kustomizeShouldRenderEveryOverlay() {
        for (String overlay : List.of("local", "prod", "secure")) {
            List<Map<String, Object>> objects = DeployFiles.kustomize("overlays/" + overlay);
            assertThat(objects).filteredOn(object -> "StatefulSet".equals(object.get("kind")))
                    .extracting(object -> String.valueOf(((Map<?, ?>) object.get("metadata")).get("name")))
                    .containsExactlyInAnyOrderElementsOf(SERVICES);
            assertThat(objects.toString()).contains("serviceName=iot-alerts-service-headless");
        }
    }

    @Test
    @EnabledIf(value = "dockerComposeInstalled", disabledReason = "docker-compose is not installed (.ci/run installs it)")
    void dockerComposeShouldAcceptTheStack() {
        DeployFiles.run(Map.of("GRAFANA_ADMIN_PASSWORD", "test-only"), "docker-compose", "-f",
                DeployFiles.DEPLOY.resolve("docker-compose.yml").toString(), "--profile", "traffic", "--profile", "cdc",
                "config", "-q");
    }

    static boolean kubectlInstalled() {
        return DeployFiles.onPath("kubectl");
    }

    static boolean dockerComposeInstalled() {
        return DeployFiles.onPath("docker-compose");
    }

    private static Map<String, Object> compose() {
        return DeployFiles.yamlFile(DeployFiles.DEPLOY.resolve("docker-compose.yml"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> services(Map<String, Object> compose) {
        return (Map<String, Object>) compose.get("services");
    }

    private static Map<String, String> prometheusTargets() {
        Map<String, String> targets = new java.util.TreeMap<>();
        Map<String, Object> config = DeployFiles.yamlFile(DeployFiles.DEPLOY.resolve("prometheus/prometheus.yml"));
        for (Object job : (List<?>) config.get("scrape_configs")) {
            Map<?, ?> scrape = (Map<?, ?>) job;
            Object target = ((List<?>) ((Map<?, ?>) ((List<?>) scrape.get("static_configs")).get(0)).get("targets")).get(0);
            targets.put(String.valueOf(scrape.get("job_name")), String.valueOf(target));
        }
        return targets;
    }

    private static Set<String> createdTopics() throws IOException {
        String script = Files.readString(DeployFiles.DEPLOY.resolve("kafka/create-topics.sh"));
        Set<String> topics = new LinkedHashSet<>();
        Matcher loop = Pattern.compile("for topic in ([^;]+); do", Pattern.DOTALL).matcher(script);
        assertThat(loop.find()).isTrue();
        for (String topic : loop.group(1).replace("\\\n", " ").trim().split("\\s+")) {
            topics.add(topic);
        }
        Matcher single = Pattern.compile("(?m)^create (\\S+)").matcher(script);
        while (single.find()) {
            topics.add(single.group(1));
        }
        Matcher services = Pattern.compile("for service in ([^;]+); do").matcher(script);
        assertThat(services.find()).isTrue();
        for (String service : services.group(1).trim().split("\\s+")) {
            topics.add(service + ".dlq");
            topics.add(service + ".late");
        }
        return topics;
    }
}
