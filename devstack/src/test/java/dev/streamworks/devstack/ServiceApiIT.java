package dev.streamworks.devstack;

import dev.streamworks.common.testing.KafkaBroker;
import dev.streamworks.common.testing.RunningService;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every service answers besides its results, each service running for real on a real broker:
 * the live page and its topology diagram, the progress history, an OpenAPI description of every
 * query endpoint it maps, and RFC 7807 problems for every error of the query API, Spring MVC's
 * own (unknown path, wrong method) included.
 */
@Tag("integration")
@Timeout(300)
class ServiceApiIT {

    /** One request per service that has a parameter to get wrong: 400. */
    private static final Map<String, String> BAD_PARAMETER = Map.of(
            "iot-alerts-service", "/api/devices/sensor-1/stats?from=yesterday",
            "clickstream-service", "/api/top-users?limit=many",
            "cdc-service", "/api/tables/users/rows?limit=many");

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void shouldServeThePageDescribeEveryQueryEndpointAndAnswerEveryErrorAsAProblem() throws Exception {
        for (DevService service : Devstack.services()) {
            try (RunningService running = RunningService.start(service.application().get(), Map.of(
                    "spring.kafka.bootstrap-servers", KafkaBroker.shared().bootstrapServers(),
                    "server.port", "0",
                    "streamworks.state-dir", Files.createTempDirectory("service-api-" + service.name()).toString(),
                    "streamworks.leave-group-on-close", "true",
                    "streamworks.topics.partitions", "1",
                    "streamworks.progress.interval", "1s"))) {
                check(service.name(), running);
            }
        }
    }

    private void check(String name, RunningService running) {
        HttpResponse<String> page = running.get("/");
        assertThat(page.statusCode()).as(name + " /").isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("/live/live.js", "uPlot");
        assertThat(running.get("/webjars/uplot/dist/uPlot.iife.min.js").statusCode()).isEqualTo(200);
        assertThat(running.get("/live/live.js").statusCode()).isEqualTo(200);
        HttpResponse<String> topology = running.get("/live/topology.svg");
        assertThat(topology.statusCode()).isEqualTo(200);
        assertThat(topology.body()).startsWith("<svg").contains("class=\"node topic\"");
        assertThat(json.readTree(running.get("/actuator/progress/recent").body()).isArray()).isTrue();
        assertThat(running.get("/actuator/progress/nothing").statusCode()).isEqualTo(404);

        // every query endpoint the service maps is described, with its problems
        Set<String> mapped = new TreeSet<>();
        running.bean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class).getHandlerMethods().keySet()
                .forEach(info -> info.getPatternValues().stream().filter(p -> p.startsWith("/api/")).forEach(mapped::add));
        assertThat(mapped).as(name + " maps query endpoints").isNotEmpty();
        HttpResponse<String> docs = running.get("/v3/api-docs");
        assertThat(docs.statusCode()).as(name + " /v3/api-docs").isEqualTo(200);
        JsonNode paths = json.readTree(docs.body()).path("paths");
        List<String> described = new ArrayList<>();
        paths.propertyNames().forEach(described::add);
        assertThat(described).as(name + ": every query endpoint described, nothing else").containsExactlyInAnyOrderElementsOf(mapped);
        for (String path : mapped) {
            JsonNode responses = paths.path(path).path("get").path("responses");
            for (String status : List.of("200", "400", "404", "500", "502", "503")) {
                assertThat(responses.has(status)).as(name + " GET " + path + " documents " + status).isTrue();
            }
            assertThat(responses.path("502").path("content").has("application/problem+json")).isTrue();
        }
        assertThat(json.readTree(docs.body()).path("components").path("schemas").has("Problem")).isTrue();
        HttpResponse<String> ui = running.get("/swagger-ui/index.html");
        assertThat(ui.statusCode()).as(name + " swagger UI").isEqualTo(200);
        assertThat(running.get("/swagger-ui.html").statusCode()).as(name + " /swagger-ui.html").isIn(200, 302);

        String first = mapped.iterator().next().replaceAll("\\{[^}]+}", "x");
        problem(running.get("/api/no-such-endpoint"), 404, "urn:streamworks:problem:not-found", "/api/no-such-endpoint");
        problem(running.send("POST", first), 405, "urn:streamworks:problem:method-not-allowed", first);
        problem(running.send("DELETE", first), 405, "urn:streamworks:problem:method-not-allowed", first);
        String bad = BAD_PARAMETER.get(name);
        if (bad != null) {
            problem(running.get(bad), 400, "urn:streamworks:problem:bad-parameter", bad.substring(0, bad.indexOf('?')));
        }
    }

    private void problem(HttpResponse<String> response, int status, String type, String instance) {
        String what = response.request().method() + " " + response.uri() + " -> " + response.body();
        assertThat(response.statusCode()).as(what).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).as(what)
                .startsWith("application/problem+json");
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.path("type").asString()).as(what).isEqualTo(type);
        assertThat(problem.path("status").asInt()).as(what).isEqualTo(status);
        assertThat(problem.path("title").asString()).as(what).isNotBlank();
        assertThat(problem.path("detail").asString()).as(what).isNotBlank();
        assertThat(problem.path("instance").asString()).as(what).isEqualTo(instance);
    }
}
