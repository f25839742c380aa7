package dev.streamworks.devstack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The monitoring configuration checked by Prometheus' own tools: the rule groups the compose stack
 * extracts from {@code prometheus/alerts.yml} (a PrometheusRule) are exactly the PrometheusRule's,
 * {@code promtool check rules} and {@code check config} accept them and the scrape configuration,
 * {@code promtool test rules} passes {@code prometheus/alerts-test.yml}, which must make every alert
 * fire and stay silent with the label sets of both compose and Kubernetes scraping, and
 * {@code amtool} accepts the Alertmanager configuration. Skipped where the tools are not
 * installed ({@code .ci/run} installs the Debian packages {@code prometheus} and
 * {@code prometheus-alertmanager}).
 */
class DeployRulesTest {

    private static final Path PROMETHEUS = DeployFiles.DEPLOY.resolve("prometheus");

    @TempDir
    Path work;

    static boolean promtoolInstalled() {
        return DeployFiles.onPath("promtool");
    }

    static boolean amtoolInstalled() {
        return DeployFiles.onPath("amtool");
    }

    @Test
    void composeShouldLoadExactlyTheRuleGroupsOfThePrometheusRule() {
        Path extracted = extractRules();

        assertThat(DeployFiles.yamlFile(extracted)).containsOnlyKeys("groups");
        assertThat(DeployFiles.yamlFile(extracted).get("groups")).isEqualTo(DeployFiles.alertGroups());
    }

    @Test
    @EnabledIf(value = "promtoolInstalled", disabledReason = "promtool is not installed (Debian package prometheus; .ci/run installs it)")
    void promtoolShouldAcceptTheRulesAndTheScrapeConfiguration() throws IOException {
        Path rules = extractRules();
        DeployFiles.run("promtool", "check", "rules", rules.toString());

        // the compose stack's configuration, its rule file where extract-rules.sh writes it in the container
        String config = Files.readString(PROMETHEUS.resolve("prometheus.yml"));
        assertThat(config).contains("- /rules/alerts.yml");
        Path local = work.resolve("prometheus.yml");
        Files.writeString(local, config.replace("- /rules/alerts.yml", "- " + rules));
        String output = DeployFiles.run("promtool", "check", "config", local.toString());
        assertThat(output).contains("SUCCESS: 1 rule files found");
    }

    @Test
    @EnabledIf(value = "promtoolInstalled", disabledReason = "promtool is not installed (Debian package prometheus; .ci/run installs it)")
    void everyAlertShouldFireAndStaySilentInItsUnitTests() throws IOException {
        extractRules();
        Path tests = Files.copy(PROMETHEUS.resolve("alerts-test.yml"), work.resolve("alerts-test.yml"));

        String output = DeployFiles.run("promtool", "test", "rules", tests.toString());

        assertThat(output).contains("SUCCESS").doesNotContain("FAILED");
    }

    @Test
    void unitTestsShouldCoverEveryAlertWithBothLabelSets() {
        Map<String, Object> file = DeployFiles.yamlFile(PROMETHEUS.resolve("alerts-test.yml"));
        assertThat(file.get("rule_files")).isEqualTo(List.of("alerts.yml"));
        Set<String> covered = new TreeSet<>();
        for (Object each : (List<?>) file.get("tests")) {
            Map<?, ?> test = (Map<?, ?>) each;
            List<String> series = new ArrayList<>();
            for (Object input : (List<?>) test.get("input_series")) {
                series.add(String.valueOf(((Map<?, ?>) input).get("series")));
            }
            // Kubernetes' targets carry namespace and pod (PodMonitor); compose's do not
            boolean kubernetes = series.stream().allMatch(s -> s.contains("namespace=") && s.contains("pod="));
            boolean compose = series.stream().noneMatch(s -> s.contains("namespace=") || s.contains("pod="));
            assertThat(kubernetes || compose).as("%s: one label set per test", test.get("name")).isTrue();
            assertThat(series).as("%s: every series has a job and an instance", test.get("name"))
                    .allMatch(s -> s.contains("job=") && s.contains("instance="));
            for (Object each2 : (List<?>) test.get("alert_rule_test")) {
                Map<?, ?> check = (Map<?, ?>) each2;
                boolean fires = !((List<?>) check.get("exp_alerts")).isEmpty();
                covered.add(check.get("alertname") + (kubernetes ? " kubernetes " : " compose ")
                        + (fires ? "fires" : "silent"));
            }
        }
        Set<String> expected = new TreeSet<>();
        for (Map<?, ?> rule : DeployFiles.alertRules()) {
            for (String labelSet : List.of("compose", "kubernetes")) {
                for (String outcome : List.of("fires", "silent")) {
                    expected.add(rule.get("alert") + " " + labelSet + " " + outcome);
                }
            }
        }
        assertThat(covered).containsAll(expected);
    }

    @Test
    void serviceDownShouldWatchExactlyTheDeployedServices() {
        Map<?, ?> rule = DeployFiles.alertRules().stream()
                .filter(r -> "StreamworksServiceDown".equals(r.get("alert"))).findFirst().orElseThrow();
        Matcher jobs = Pattern.compile("up\\{job=~\"([^\"]+)\"}").matcher(String.valueOf(rule.get("expr")));
        assertThat(jobs.find()).as(String.valueOf(rule.get("expr"))).isTrue();
        // the compose stack's job names, which the PodMonitor's jobLabel (app.kubernetes.io/name) reproduces
        List<String> composeJobs = new ArrayList<>();
        for (Object job : (List<?>) DeployFiles.yamlFile(PROMETHEUS.resolve("prometheus.yml")).get("scrape_configs")) {
            composeJobs.add(String.valueOf(((Map<?, ?>) job).get("job_name")));
        }
        assertThat(List.of(jobs.group(1).split("\\|"))).containsExactlyInAnyOrderElementsOf(composeJobs);
    }

    @Test
    @EnabledIf(value = "amtoolInstalled", disabledReason = "amtool is not installed (Debian package prometheus-alertmanager; .ci/run installs it)")
    void amtoolShouldAcceptTheAlertmanagerConfiguration() {
        DeployFiles.run("amtool", "check-config", DeployFiles.DEPLOY.resolve("alertmanager/alertmanager.yml").toString());
    }

    /** The rule file the compose stack's Prometheus loads, made by the same script. */
    private Path extractRules() {
        Path rules = work.resolve("alerts.yml");
        DeployFiles.run("sh", PROMETHEUS.resolve("extract-rules.sh").toAbsolutePath().toString(),
                PROMETHEUS.resolve("alerts.yml").toAbsolutePath().toString(), rules.toString());
        return rules;
    }
}
