package dev.streamworks.devstack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rendered Kubernetes manifests ({@code kubectl kustomize} of the base, both overlays and the
 * secure example) hold what production needs (issue 15): every StatefulSet meets Pod Security
 * "restricted", has the three probes, memory limits above its heap, RocksDB pool and measured
 * peak, a PodDisruptionBudget, a stable identity for static membership and query forwarding, a
 * grace period above the Streams close timeout, and its internal topics replicated as its own
 * topics; the Kafka ConfigMap carries a content hash; the overlays bring the monitoring objects.
 * Skipped where {@code kubectl} is not installed ({@code .ci/run} installs it).
 */
@EnabledIf(value = "kubectlInstalled", disabledReason = "kubectl is not installed (.ci/run installs it): rendered manifests not checked")
@SuppressWarnings("unchecked")
class DeployManifestsTest {

    private static final List<String> SERVICES = List.of("clickstream-service", "iot-alerts-service", "fraud-service",
            "cdc-service");
    /** Volume types Pod Security "restricted" allows. */
    private static final Set<String> RESTRICTED_VOLUME_TYPES = Set.of("configMap", "csi", "downwardAPI", "emptyDir",
            "ephemeral", "persistentVolumeClaim", "projected", "secret");
    /** The graceful HTTP shutdown (Spring's spring.lifecycle.timeout-per-shutdown-phase) after the Streams close. */
    private static final Duration HTTP_SHUTDOWN = Duration.ofSeconds(30);
    /** Below this the JVM has no room for metaspace, code cache, thread stacks and RocksDB's own buffers. */
    private static final long MIN_NON_HEAP_OVERHEAD = 256L << 20;

    private final DeployFiles deploy = new DeployFiles();

    static boolean kubectlInstalled() {
        return DeployFiles.onPath("kubectl");
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/local", "overlays/prod", "overlays/secure"})
    void everyStatefulSetShouldMeetPodSecurityRestricted(String kustomization) {
        Rendered rendered = Rendered.of(kustomization);
        assertThat(rendered.statefulSets()).hasSize(SERVICES.size());
        for (Map<String, Object> statefulSet : rendered.statefulSets()) {
            String name = name(statefulSet);
            Map<String, Object> pod = podSpec(statefulSet);
            Map<String, Object> podSecurity = map(pod, "securityContext");
            assertThat(pod.get("hostNetwork")).as(name + " hostNetwork").isIn(null, false);
            // beyond the profile: no API token, no variables for every Service of the namespace
            assertThat(pod.get("automountServiceAccountToken")).as(name + " automountServiceAccountToken").isEqualTo(false);
            assertThat(pod.get("enableServiceLinks")).as(name + " enableServiceLinks").isEqualTo(false);
            assertThat(pod.get("hostPID")).as(name + " hostPID").isIn(null, false);
            assertThat(pod.get("hostIPC")).as(name + " hostIPC").isIn(null, false);
            for (Object volume : list(pod, "volumes")) {
                Set<String> types = new TreeSet<>(((Map<String, Object>) volume).keySet().stream().map(String::valueOf).toList());
                types.remove("name");
                assertThat(RESTRICTED_VOLUME_TYPES).as(name + " volume types " + types).containsAll(types);
            }
            for (Object each : list(pod, "containers")) {
                Map<String, Object> container = (Map<String, Object>) each;
                Map<String, Object> security = map(container, "securityContext");
                String what = name + "/" + container.get("name");
                assertThat(security.get("privileged")).as(what + " privileged").isIn(null, false);
                assertThat(security.get("allowPrivilegeEscalation")).as(what + " allowPrivilegeEscalation").isEqualTo(false);
                assertThat(Objects.requireNonNullElse(security.get("runAsNonRoot"), podSecurity.get("runAsNonRoot")))
                        .as(what + " runAsNonRoot").isEqualTo(true);
                Object user = Objects.requireNonNullElse(security.get("runAsUser"), podSecurity.get("runAsUser"));
                assertThat(user).as(what + " runAsUser").isNotNull().isNotEqualTo(0);
                Map<String, Object> seccomp = security.containsKey("seccompProfile") ? map(security, "seccompProfile")
                        : map(podSecurity, "seccompProfile");
                assertThat(seccomp.get("type")).as(what + " seccompProfile").isIn("RuntimeDefault", "Localhost");
                Map<String, Object> capabilities = map(security, "capabilities");
                assertThat(list(capabilities, "drop")).as(what + " capabilities.drop").contains("ALL");
                assertThat(list(capabilities, "add")).as(what + " capabilities.add").isSubsetOf(List.of("NET_BIND_SERVICE"));
                assertThat(list(container, "ports")).allSatisfy(port ->
                        assertThat(((Map<String, Object>) port).get("hostPort")).as(what + " hostPort").isIn(null, 0));
                // read-only root file system; what must be written goes to volumes
                assertThat(security.get("readOnlyRootFilesystem")).as(what + " readOnlyRootFilesystem").isEqualTo(true);
                Map<String, String> mounts = mounts(container);
                assertThat(mounts).as(what + " writable mounts").containsKeys("/var/lib/streamworks", "/tmp");
                assertThat(volumeType(statefulSet, mounts.get("/tmp"))).as(what + " /tmp").isEqualTo("emptyDir");
                assertThat(volumeClaimNames(statefulSet)).as(what + " state on a volume claim")
                        .contains(mounts.get("/var/lib/streamworks"));
            }
        }
        for (Map<String, Object> namespace : rendered.ofKind("Namespace")) {
            assertThat(map(namespace, "metadata", "labels"))
                    .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/local", "overlays/prod", "overlays/secure"})
    void everyStatefulSetShouldHaveTheThreeProbesAndSurviveALongStart(String kustomization) {
        for (Map<String, Object> statefulSet : Rendered.of(kustomization).statefulSets()) {
            Map<String, Object> container = container(statefulSet);
            String name = name(statefulSet);
            assertThat(map(container, "readinessProbe", "httpGet").get("path")).as(name)
                    .isEqualTo("/actuator/health/readiness");
            assertThat(map(container, "livenessProbe", "httpGet").get("path")).as(name)
                    .isEqualTo("/actuator/health/liveness");
            Map<String, Object> startup = map(container, "startupProbe");
            assertThat(map(startup, "httpGet").get("path")).as(name).isEqualTo("/actuator/health/liveness");
            // liveness only starts counting once the application answered; it must have had minutes for that
            assertThat(number(startup, "periodSeconds") * number(startup, "failureThreshold")).as(name + " startup budget")
                    .isGreaterThanOrEqualTo(120);
            assertThat(map(container, "livenessProbe").get("initialDelaySeconds")).as(name).isNull();
            for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
                assertThat(map(container, probe, "httpGet").get("port")).as(name + " " + probe).isEqualTo("http");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/local", "overlays/prod", "overlays/secure"})
    void everyStatefulSetShouldHaveMemoryLimitsAboveHeapPoolAndMeasuredPeak(String kustomization) {
        Map<String, DeploySizing> sizing = DeploySizing.fromReadme();
        assertThat(sizing.keySet()).as("deploy/README.md sizing table").containsExactlyInAnyOrderElementsOf(SERVICES);
        for (Map<String, Object> statefulSet : Rendered.of(kustomization).statefulSets()) {
            String name = name(statefulSet);
            Map<String, Object> container = container(statefulSet);
            Map<String, Object> resources = map(container, "resources");
            long limit = DeploySizing.bytes(String.valueOf(map(resources, "limits").get("memory")));
            assertThat(DeploySizing.bytes(String.valueOf(map(resources, "requests").get("memory"))))
                    .as(name + ": memory request = limit (never evicted for memory it was promised)").isEqualTo(limit);
            Map<String, Object> env = env(container);
            long heap = DeploySizing.heapOf(String.valueOf(env.get("JAVA_TOOL_OPTIONS")));
            long pool = DeploySizing.bytes(String.valueOf(env.get("STREAMWORKS_ROCKSDB_TOTAL_MEMORY")));
            assertThat(String.valueOf(env.get("JAVA_TOOL_OPTIONS"))).contains("-XX:+ExitOnOutOfMemoryError")
                    .as("no start-up flag that costs throughput (deploy/README.md, start-up)").doesNotContain("TieredStopAtLevel");
            assertThat(limit).as(name + ": limit above heap + RocksDB pool + JVM overhead")
                    .isGreaterThanOrEqualTo(heap + pool + MIN_NON_HEAP_OVERHEAD);
            DeploySizing documented = sizing.get(name);
            assertThat(new long[] {heap, pool, limit}).as(name + ": as deploy/README.md states")
                    .containsExactly(documented.heapBytes(), documented.rocksDbBytes(), documented.limitBytes());
            if (documented.measuredPeakBytes() != null) {
                assertThat(limit).as(name + ": limit above the measured peak resident memory")
                        .isGreaterThan(documented.measuredPeakBytes());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/local", "overlays/prod", "overlays/secure"})
    void everyStatefulSetShouldHaveItsOwnPodDisruptionBudget(String kustomization) {
        Rendered rendered = Rendered.of(kustomization);
        for (Map<String, Object> statefulSet : rendered.statefulSets()) {
            Map<String, Object> podLabels = map(statefulSet, "spec", "template", "metadata", "labels");
            List<Map<String, Object>> budgets = rendered.ofKind("PodDisruptionBudget").stream()
                    .filter(pdb -> podLabels.entrySet().containsAll(map(pdb, "spec", "selector", "matchLabels").entrySet()))
                    .toList();
            assertThat(budgets).as(name(statefulSet) + " PodDisruptionBudget").hasSize(1);
            Map<String, Object> spec = map(budgets.get(0), "spec");
            assertThat(spec.get("maxUnavailable")).as(name(statefulSet)).isEqualTo(1);
            for (Map<String, Object> other : rendered.statefulSets()) {
                if (other != statefulSet) {
                    assertThat(map(other, "spec", "template", "metadata", "labels").entrySet()
                            .containsAll(map(spec, "selector", "matchLabels").entrySet()))
                            .as("the budget of %s selects %s", name(statefulSet), name(other)).isFalse();
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/local", "overlays/prod", "overlays/secure"})
    void internalTopicsShouldGetTheReplicationOfTheServicesTopics(String kustomization) {
        Rendered rendered = Rendered.of(kustomization);
        boolean production = !kustomization.equals("base") && !kustomization.equals("overlays/local");
        for (Map<String, Object> statefulSet : rendered.statefulSets()) {
            Map<String, String> settings = rendered.kafkaSettings(statefulSet);
            String name = name(statefulSet);
            // streamworks.topics.* sets the service's topics and, through StreamsSettings, Kafka Streams'
            // replication.factor and topic.min.insync.replicas: nothing may set those apart
            assertThat(settings).as(name).containsKey("STREAMWORKS_TOPICS_REPLICATION_FACTOR")
                    .doesNotContainKeys("SPRING_KAFKA_STREAMS_REPLICATION_FACTOR",
                            "SPRING_KAFKA_STREAMS_PROPERTIES_REPLICATION_FACTOR",
                            "SPRING_KAFKA_STREAMS_PROPERTIES_TOPIC_MIN_INSYNC_REPLICAS");
            int replication = Integer.parseInt(settings.get("STREAMWORKS_TOPICS_REPLICATION_FACTOR"));
            if (production) {
                assertThat(replication).as(name + " replication factor").isEqualTo(3);
                assertThat(settings).as(name).containsEntry("STREAMWORKS_TOPICS_MIN_INSYNC_REPLICAS", "2");
                assertThat(number(map(statefulSet, "spec"), "replicas")).as(name + " replicas").isGreaterThanOrEqualTo(3);
                assertThat(streamsProperties(settings)).as(name + " standby replicas").containsKey("num.standby.replicas");
            }
            if (settings.containsKey("STREAMWORKS_TOPICS_MIN_INSYNC_REPLICAS")) {
                assertThat(Integer.parseInt(settings.get("STREAMWORKS_TOPICS_MIN_INSYNC_REPLICAS")))
                        .as(name + ": min.insync.replicas below the replication factor, one broker may be down")
                        .isLessThan(replication);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/local", "overlays/prod", "overlays/secure"})
    void kafkaConfigMapShouldCarryAContentHashSoThatEditsRollThePods(String kustomization) {
        Rendered rendered = Rendered.of(kustomization);
        List<String> kafkaMaps = rendered.ofKind("ConfigMap").stream().map(DeployManifestsTest::name)
                .filter(name -> name.startsWith("streamworks-kafka")).toList();
        assertThat(kafkaMaps).hasSize(1);
        assertThat(kafkaMaps.get(0)).matches("streamworks-kafka-[a-z0-9]{10}");
        for (Map<String, Object> statefulSet : rendered.statefulSets()) {
            assertThat(list(container(statefulSet), "envFrom").toString()).as(name(statefulSet))
                    .contains("name=" + kafkaMaps.get(0));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/local", "overlays/prod", "overlays/secure"})
    void everyPodShouldKeepItsIdentityAcrossRestarts(String kustomization) {
        Rendered rendered = Rendered.of(kustomization);
        for (Map<String, Object> statefulSet : rendered.statefulSets()) {
            String name = name(statefulSet);
            String namespace = String.valueOf(map(statefulSet, "metadata").get("namespace"));
            String pod = name + "-0";
            Map<String, Object> podLabels = map(statefulSet, "spec", "template", "metadata", "labels");
            Map<String, String> downward = new HashMap<>();
            for (Object each : list(container(statefulSet), "env")) {
                Map<String, Object> variable = (Map<String, Object>) each;
                if (variable.get("valueFrom") instanceof Map<?, ?> from && from.get("fieldRef") instanceof Map<?, ?> ref) {
                    String path = String.valueOf(ref.get("fieldPath"));
                    downward.put(String.valueOf(variable.get("name")), switch (path) {
                        case "metadata.name" -> pod;
                        case "metadata.namespace" -> namespace;
                        default -> {
                            Matcher label = Pattern.compile("metadata\\.labels\\['(.+)']").matcher(path);
                            assertThat(label.matches()).as(name + " " + path).isTrue();
                            assertThat(podLabels).as(name + " " + path).containsKey(label.group(1));
                            yield String.valueOf(podLabels.get(label.group(1)));
                        }
                    });
                }
            }
            Map<String, Object> env = env(container(statefulSet));
            // application.server: the pod's DNS name through the headless service, never its IP
            String serviceName = String.valueOf(map(statefulSet, "spec").get("serviceName"));
            assertThat(expand(String.valueOf(env.get("STREAMWORKS_ADVERTISED_HOST")), downward)).as(name)
                    .isEqualTo(pod + "." + serviceName + "." + namespace + ".svc");
            assertThat(env.toString()).doesNotContain("status.podIP");
            Map<String, Object> headless = rendered.ofKind("Service").stream().filter(s -> name(s).equals(serviceName))
                    .findFirst().orElseThrow();
            assertThat(map(headless, "spec").get("clusterIP")).isEqualTo("None");
            // a pod restoring its state is not ready, but must be reachable by name for forwarding
            assertThat(map(headless, "spec").get("publishNotReadyAddresses")).isEqualTo(true);
            assertThat(podLabels.entrySet()).containsAll(map(headless, "spec", "selector").entrySet());
            // static membership: group.instance.id is the pod's stable name
            assertThat(expand(String.valueOf(env.get("STREAMWORKS_INSTANCE_ID")), downward)).isEqualTo(pod);
            // ... and the session timeout gives a restart time to come back before its partitions move
            long sessionTimeout = Long.parseLong(String.valueOf(streamsProperties(rendered.kafkaSettings(statefulSet))
                    .get("session.timeout.ms")));
            assertThat(sessionTimeout).as(name + " session.timeout.ms")
                    .isBetween(Duration.ofSeconds(60).toMillis(), Duration.ofMinutes(30).toMillis());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/local", "overlays/prod", "overlays/secure"})
    void everyPodShouldCloseItsStreamsBeforeItIsKilled(String kustomization) {
        Duration closeTimeout = DeployFiles.duration(deploy.defaultOf("streamworks.close-timeout"));
        assertThat(closeTimeout).as("streamworks.close-timeout, above spring-kafka's 10 s").isGreaterThan(Duration.ofSeconds(10));
        for (Map<String, Object> statefulSet : Rendered.of(kustomization).statefulSets()) {
            Map<String, Object> env = env(container(statefulSet));
            Duration close = env.containsKey("STREAMWORKS_CLOSE_TIMEOUT")
                    ? DeployFiles.duration(String.valueOf(env.get("STREAMWORKS_CLOSE_TIMEOUT"))) : closeTimeout;
            assertThat(Duration.ofSeconds(number(podSpec(statefulSet), "terminationGracePeriodSeconds")))
                    .as(name(statefulSet) + " terminationGracePeriodSeconds")
                    .isGreaterThan(close.plus(HTTP_SHUTDOWN));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/local", "overlays/prod", "overlays/secure"})
    void podsShouldSpreadAndKeepLargeVolumesQuickToMount(String kustomization) {
        boolean production = kustomization.endsWith("prod") || kustomization.endsWith("secure");
        for (Map<String, Object> statefulSet : Rendered.of(kustomization).statefulSets()) {
            String name = name(statefulSet);
            Map<String, Object> pod = podSpec(statefulSet);
            assertThat(map(pod, "securityContext").get("fsGroupChangePolicy")).as(name).isEqualTo("OnRootMismatch");
            Map<String, Object> podLabels = map(statefulSet, "spec", "template", "metadata", "labels");
            Map<String, Map<String, Object>> byKey = new HashMap<>();
            for (Object each : list(pod, "topologySpreadConstraints")) {
                Map<String, Object> constraint = (Map<String, Object>) each;
                byKey.put(String.valueOf(constraint.get("topologyKey")), constraint);
                // only this service's pods count: the selector is the StatefulSet's own
                assertThat(map(constraint, "labelSelector", "matchLabels")).as(name)
                        .isEqualTo(map(statefulSet, "spec", "selector", "matchLabels"));
                assertThat(podLabels.entrySet()).containsAll(map(constraint, "labelSelector", "matchLabels").entrySet());
            }
            assertThat(byKey).as(name).containsKeys("kubernetes.io/hostname", "topology.kubernetes.io/zone");
            assertThat(byKey.get("kubernetes.io/hostname").get("whenUnsatisfiable")).as(name)
                    .isEqualTo(production ? "DoNotSchedule" : "ScheduleAnyway");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/local", "overlays/prod", "overlays/secure"})
    void everyVariableShouldBindToAPropertyTheServiceHas(String kustomization) {
        Rendered rendered = Rendered.of(kustomization);
        for (Map<String, Object> statefulSet : rendered.statefulSets()) {
            String name = name(statefulSet);
            Map<String, Object> config = DeployFiles.serviceConfig(name);
            Set<String> variables = new TreeSet<>(env(container(statefulSet)).keySet());
            variables.addAll(rendered.kafkaSettings(statefulSet).keySet());
            for (String variable : variables) {
                assertThat(Set.of("POD_NAME", "POD_NAMESPACE", "SERVICE_NAME", "JAVA_TOOL_OPTIONS").contains(variable)
                        || deploy.acceptsEnvironmentVariable(variable, config))
                        .as("%s: %s binds to no property", name, variable).isTrue();
            }
        }
    }

    @Test
    void streamsPropertiesShouldBindFromTheirEnvironmentVariablesAsKafkaKeys() {
        Map<String, String> properties = streamsProperties(Map.of(
                "SPRING_KAFKA_STREAMS_PROPERTIES_SESSION_TIMEOUT_MS", "120000",
                "SPRING_KAFKA_STREAMS_PROPERTIES_NUM_STANDBY_REPLICAS", "1"));

        assertThat(properties).containsEntry("session.timeout.ms", "120000").containsEntry("num.standby.replicas", "1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/local", "overlays/prod", "overlays/secure"})
    void overlaysShouldBringMonitoringFromTheComposeStacksOwnFiles(String kustomization) throws IOException {
        Rendered rendered = Rendered.of(kustomization);
        List<Map<String, Object>> podMonitors = rendered.ofKind("PodMonitor");
        assertThat(podMonitors).hasSize(1);
        Map<String, Object> podMonitor = podMonitors.get(0);
        // job = the service's name, as in the compose stack, so that one set of rules fits both
        assertThat(map(podMonitor, "spec").get("jobLabel")).isEqualTo("app.kubernetes.io/name");
        Map<String, Object> endpoint = (Map<String, Object>) list(map(podMonitor, "spec"), "podMetricsEndpoints").get(0);
        assertThat(endpoint.get("path")).isEqualTo("/actuator/prometheus");
        for (Map<String, Object> statefulSet : rendered.statefulSets()) {
            Map<String, Object> podLabels = map(statefulSet, "spec", "template", "metadata", "labels");
            assertThat(podLabels.entrySet()).as(name(statefulSet) + " scraped")
                    .containsAll(map(podMonitor, "spec", "selector", "matchLabels").entrySet());
            assertThat(podLabels).containsKey(String.valueOf(map(podMonitor, "spec").get("jobLabel")));
            assertThat(list(container(statefulSet), "ports").toString()).contains("name=" + endpoint.get("port"));
            assertThat(map(podMonitor, "metadata").get("namespace")).isEqualTo(map(statefulSet, "metadata").get("namespace"));
        }

        List<Map<String, Object>> rules = rendered.ofKind("PrometheusRule");
        assertThat(rules).hasSize(1);
        assertThat(list(map(rules.get(0), "spec"), "groups")).isEqualTo(DeployFiles.alertGroups());

        Map<String, Object> dashboards = rendered.ofKind("ConfigMap").stream()
                .filter(map -> name(map).equals("streamworks-grafana-dashboards")).findFirst().orElseThrow();
        assertThat(map(dashboards, "metadata", "labels")).containsEntry("grafana_dashboard", "1");
        try (Stream<Path> files = Files.list(DeployFiles.DEPLOY.resolve("grafana/dashboards"))) {
            Map<String, String> expected = new LinkedHashMap<>();
            for (Path file : files.sorted().toList()) {
                expected.put(file.getFileName().toString(), Files.readString(file));
            }
            assertThat(map(dashboards, "data")).as("every dashboard, as the file").isEqualTo(expected);
        }
    }

    @Test
    void secureOverlayShouldKeepCredentialsInSecretsAndMountTheTruststore() {
        Rendered rendered = Rendered.of("overlays/secure");
        for (Map<String, Object> configMap : rendered.ofKind("ConfigMap")) {
            assertThat(String.valueOf(configMap.get("data")).toLowerCase()).as(name(configMap))
                    .doesNotContain("password", "jaas", "secret");
        }
        for (Map<String, Object> statefulSet : rendered.statefulSets()) {
            String name = name(statefulSet);
            Map<String, String> settings = rendered.kafkaSettings(statefulSet);
            assertThat(settings).as(name).containsEntry("SPRING_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                    .containsKey("SPRING_KAFKA_PROPERTIES_SASL_MECHANISM");
            Map<String, Object> env = env(container(statefulSet));
            assertThat(String.valueOf(env.get("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG"))).as(name)
                    .contains("secretKeyRef");
            String truststore = settings.get("SPRING_KAFKA_SSL_TRUST_STORE_LOCATION").replaceFirst("^file:", "");
            Map.Entry<String, String> mount = mounts(container(statefulSet)).entrySet().stream()
                    .filter(entry -> truststore.startsWith(entry.getKey() + "/")).findFirst().orElseThrow();
            assertThat(volumeType(statefulSet, mount.getValue())).as(name + " truststore volume").isEqualTo("secret");
            assertThat(list(container(statefulSet), "volumeMounts").toString()).contains("readOnly=true");
        }
    }

    // --- the rendered objects ---

    private record Rendered(List<Map<String, Object>> objects) {

        private static final Map<String, Rendered> CACHE = new HashMap<>();

        static synchronized Rendered of(String kustomization) {
            return CACHE.computeIfAbsent(kustomization, k -> new Rendered(List.copyOf(DeployFiles.kustomize(k))));
        }

        List<Map<String, Object>> ofKind(String kind) {
            return objects.stream().filter(object -> kind.equals(object.get("kind"))).toList();
        }

        List<Map<String, Object>> statefulSets() {
            return ofKind("StatefulSet");
        }

        /** The ConfigMap data a StatefulSet's container takes as environment variables. */
        Map<String, String> kafkaSettings(Map<String, Object> statefulSet) {
            Map<String, String> settings = new LinkedHashMap<>();
            for (Object from : list(container(statefulSet), "envFrom")) {
                String configMap = String.valueOf(map((Map<String, Object>) from, "configMapRef").get("name"));
                Map<String, Object> found = ofKind("ConfigMap").stream().filter(map -> name(map).equals(configMap))
                        .findFirst().orElseThrow(() -> new AssertionError("no ConfigMap " + configMap));
                map(found, "data").forEach((key, value) -> settings.put(String.valueOf(key), String.valueOf(value)));
            }
            return settings;
        }
    }

    /** spring.kafka.streams.properties as Spring Boot binds it from these environment variables. */
    private static Map<String, String> streamsProperties(Map<String, String> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new HashMap<>(variables)));
        ConfigurationPropertySources.attach(environment);
        return Binder.get(environment).bind("spring.kafka.streams.properties", Bindable.mapOf(String.class, String.class))
                .orElse(Map.of());
    }

    private static String expand(String value, Map<String, String> variables) {
        String expanded = value;
        for (Map.Entry<String, String> variable : variables.entrySet()) {
            expanded = expanded.replace("$(" + variable.getKey() + ")", variable.getValue());
        }
        assertThat(expanded).as("every $(...) of " + value + " defined").doesNotContain("$(");
        return expanded;
    }

    private static Map<String, Object> env(Map<String, Object> container) {
        Map<String, Object> env = new LinkedHashMap<>();
        for (Object each : list(container, "env")) {
            Map<String, Object> variable = (Map<String, Object>) each;
            env.put(String.valueOf(variable.get("name")),
                    variable.containsKey("value") ? variable.get("value") : variable.get("valueFrom"));
        }
        return env;
    }

    /** Mount path to volume name. */
    private static Map<String, String> mounts(Map<String, Object> container) {
        return list(container, "volumeMounts").stream().map(mount -> (Map<String, Object>) mount).collect(Collectors.toMap(
                mount -> String.valueOf(mount.get("mountPath")), mount -> String.valueOf(mount.get("name"))));
    }

    private static String volumeType(Map<String, Object> statefulSet, String volume) {
        for (Object each : list(podSpec(statefulSet), "volumes")) {
            Map<String, Object> definition = (Map<String, Object>) each;
            if (volume.equals(definition.get("name"))) {
                return definition.keySet().stream().map(String::valueOf).filter(key -> !key.equals("name"))
                        .findFirst().orElseThrow();
            }
        }
        return volumeClaimNames(statefulSet).contains(volume) ? "persistentVolumeClaim" : null;
    }

    private static List<String> volumeClaimNames(Map<String, Object> statefulSet) {
        List<String> names = new ArrayList<>();
        for (Object claim : list(map(statefulSet, "spec"), "volumeClaimTemplates")) {
            names.add(name((Map<String, Object>) claim));
        }
        return names;
    }

    private static Map<String, Object> podSpec(Map<String, Object> statefulSet) {
        return map(statefulSet, "spec", "template", "spec");
    }

    private static Map<String, Object> container(Map<String, Object> statefulSet) {
        List<Object> containers = list(podSpec(statefulSet), "containers");
        assertThat(containers).as(name(statefulSet) + " containers").hasSize(1);
        return (Map<String, Object>) containers.get(0);
    }

    private static String name(Map<String, Object> object) {
        return String.valueOf(map(object, "metadata").get("name"));
    }

    private static Map<String, Object> map(Map<String, Object> object, String... path) {
        Map<String, Object> current = object;
        for (String key : path) {
            Object next = current.get(key);
            current = next instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
        }
        return current;
    }

    private static List<Object> list(Map<String, Object> object, String key) {
        return object.get(key) instanceof List<?> list ? (List<Object>) list : List.of();
    }

    private static long number(Map<String, Object> object, String key) {
        Object value = object.get(key);
        assertThat(value).as(key).isInstanceOf(Number.class);
        return ((Number) value).longValue();
    }
}
