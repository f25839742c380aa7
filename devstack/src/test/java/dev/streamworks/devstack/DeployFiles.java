package dev.streamworks.devstack;

import dev.streamworks.common.serde.Json;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads {@code deploy/} and what the services really accept: the Spring configuration metadata of
 * every jar on the class path (Boot's and our properties records'), and each service's own
 * configuration file. Shared by the deploy checks.
 */
final class DeployFiles {

    static final Path DEPLOY = Path.of("..", "deploy").normalize();

    /** PromQL words that are not metric names. */
    private static final Set<String> PROMQL = Set.of("sum", "rate", "irate", "increase", "deriv", "by", "without",
            "and", "or", "unless", "histogram_quantile", "avg", "max", "min", "count", "label_values", "on",
            "ignoring", "group_left", "group_right", "bool", "offset", "topk", "bottomk", "abs", "clamp_min",
            "delta", "idelta", "le", "application", "stage", "output", "store", "topic", "type", "emit",
            "warning", "job", "instance", "thread_id", "up", "vector", "time", "scalar");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private final Set<String> properties = new HashSet<>();
    private final Set<String> mapPrefixes = new HashSet<>();
    private final Map<String, String> defaults = new HashMap<>();

    DeployFiles() {
        try {
            for (String name : List.of("spring-configuration-metadata.json", "additional-spring-configuration-metadata.json")) {
                for (Resource resource : new PathMatchingResourcePatternResolver().getResources("classpath*:META-INF/" + name)) {
                    try (InputStream in = resource.getInputStream()) {
                        JsonNode metadata = Json.mapper().readTree(in);
                        for (JsonNode property : metadata.path("properties")) {
                            String propertyName = property.path("name").asString();
                            properties.add(propertyName);
                            if (property.path("type").asString("").startsWith("java.util.Map")) {
                                mapPrefixes.add(propertyName + ".");
                            }
                            if (property.has("default_value") || property.has("defaultValue")) {
                                JsonNode value = property.has("defaultValue") ? property.get("defaultValue")
                                        : property.get("default_value");
                                defaults.put(propertyName, value.isValueNode() ? value.asString() : value.toString());
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether a service with configuration file {@code serviceConfig} accepts {@code property}. */
    boolean accepts(String property, Map<String, Object> serviceConfig) {
        String name = property.replaceAll("\\[\\d+]", "");
        return properties.contains(name) || serviceConfig.containsKey(property)
                || mapPrefixes.stream().anyMatch(name::startsWith);
    }

    /** Whether an environment variable binds to a property the service accepts (Spring's relaxed rule). */
    boolean acceptsEnvironmentVariable(String variable, Map<String, Object> serviceConfig) {
        Stream<String> known = Stream.concat(properties.stream(), serviceConfig.keySet().stream());
        return known.anyMatch(property -> environmentName(property).equals(variable)
                || environmentName(property).replace("-", "").equals(variable))
                || mapPrefixes.stream().anyMatch(prefix -> variable.startsWith(environmentName(prefix)));
    }

    static String environmentName(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The default of a property as the metadata records it. */
    String defaultOf(String property) {
        return defaults.get(property);
    }

    Set<String> propertiesStartingWith(String prefix) {
        return properties.stream().filter(name -> name.startsWith(prefix)).collect(java.util.stream.Collectors.toSet());
    }

    /** A service's own configuration file from its jar, flattened ({@code server.port} -> 8082). */
    static Map<String, Object> serviceConfig(String service) {
        try (InputStream in = DeployFiles.class.getClassLoader().getResourceAsStream(service + ".yml")) {
            if (in == null) {
                throw new IllegalStateException("no " + service + ".yml on the class path");
            }
            return flatten(new Yaml().load(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> yamlFile(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return new Yaml().load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Map<String, Object>> yamlDocuments(String text) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml().loadAll(text)) {
            if (document instanceof Map<?, ?> map) {
                @SuppressWarnings("unchecked")
                Map<String, Object> typed = (Map<String, Object>) map;
                documents.add(typed);
            }
        }
        return documents;
    }

    /** Nested YAML maps as dotted keys; lists as {@code key[0]}. */
    static Map<String, Object> flatten(Map<String, Object> yaml) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", yaml, flat);
        return flat;
    }

    private static void flatten(String prefix, Object value, Map<String, Object> flat) {
        if (value instanceof Map<?, ?> map) {
            if (map.isEmpty() && !prefix.isEmpty()) {
                flat.put(prefix, map);
            }
            map.forEach((key, child) -> flatten(prefix.isEmpty() ? String.valueOf(key) : prefix + "." + key, child, flat));
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                flatten(prefix + "[" + i + "]", list.get(i), flat);
            }
        } else {
            flat.put(prefix, value);
        }
    }

    /** The metric names a PromQL expression reads. */
    static Set<String> metricNames(String expression) {
        String withoutLabels = expression.replaceAll("\\{[^}]*}", "").replaceAll("\\[[^]]*]", "")
                .replaceAll("\"[^\"]*\"", "").replaceAll("(by|without)\\s*\\([^)]*\\)", "");
        Set<String> names = new HashSet<>();
        Matcher matcher = IDENTIFIER.matcher(withoutLabels);
        while (matcher.find()) {
            String word = matcher.group();
            if (!PROMQL.contains(word) && !word.matches("\\d.*")) {
                names.add(word);
            }
        }
        return names;
    }

    /** The rule groups of {@code prometheus/alerts.yml}: a PrometheusRule, its {@code spec.groups}. */
    static List<?> alertGroups() {
        Map<String, Object> rules = yamlFile(DEPLOY.resolve("prometheus/alerts.yml"));
        return (List<?>) ((Map<?, ?>) rules.get("spec")).get("groups");
    }

    /** Every rule of {@code prometheus/alerts.yml}, in order. */
    static List<Map<?, ?>> alertRules() {
        List<Map<?, ?>> rules = new ArrayList<>();
        for (Object group : alertGroups()) {
            for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
                rules.add((Map<?, ?>) rule);
            }
        }
        return rules;
    }

    /** The settings of an env file ({@code KEY=value} lines; {@code #} comments), in order. */
    static Map<String, String> envFile(Path file) {
        try {
            Map<String, String> values = new LinkedHashMap<>();
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    int eq = line.indexOf('=');
                    values.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            return values;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A duration as Spring Boot writes it in properties: {@code 500ms}, {@code 60s}, {@code 2m}, {@code 1h}. */
    static Duration duration(String text) {
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h)").matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
    }

    /** Whether {@code command} is an executable on the PATH. */
    static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command in {@code deploy/}, asserts it exits with 0 within a minute, returns its output. */
    static String run(Map<String, String> environment, String... command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(DEPLOY.toFile()).redirectErrorStream(true);
            builder.environment().putAll(environment);
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue())
                    .as(String.join(" ", command) + ":\n" + output).isZero();
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String run(String... command) {
        return run(Map.of(), command);
    }

    /** The objects {@code kubectl kustomize} renders from a kustomization directory under {@code deploy/k8s}. */
    static List<Map<String, Object>> kustomize(String directory) {
        return yamlDocuments(run("kubectl", "kustomize", DEPLOY.resolve("k8s/" + directory).toString()));
    }

    /** Every PromQL expression of the alert rules and the dashboards, by the file it is in. */
    static Map<String, List<String>> promqlExpressions() {
        Map<String, List<String>> expressions = new LinkedHashMap<>();
        List<String> ruleExpressions = new ArrayList<>();
        for (Map<?, ?> rule : alertRules()) {
            ruleExpressions.add(String.valueOf(rule.get("expr")));
        }
        expressions.put("prometheus/alerts.yml", ruleExpressions);
        try (Stream<Path> dashboards = Files.list(DEPLOY.resolve("grafana/dashboards"))) {
            for (Path dashboard : dashboards.sorted().toList()) {
                List<String> panelExpressions = new ArrayList<>();
                JsonNode json = Json.mapper().readTree(dashboard.toFile());
                for (JsonNode panel : json.path("panels")) {
                    for (JsonNode target : panel.path("targets")) {
                        panelExpressions.add(target.path("expr").asString());
                    }
                }
                for (JsonNode variable : json.path("templating").path("list")) {
                    panelExpressions.add(variable.path("query").asString());
                }
                expressions.put("grafana/dashboards/" + dashboard.getFileName(), panelExpressions);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return expressions;
    }
}
