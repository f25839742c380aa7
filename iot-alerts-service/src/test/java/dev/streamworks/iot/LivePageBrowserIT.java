package dev.streamworks.iot;

import dev.streamworks.common.testing.HeadlessChromium;
import dev.streamworks.common.testing.KafkaBroker;
import dev.streamworks.common.testing.KafkaClients;
import dev.streamworks.common.testing.RunningService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.streamworks.common.testing.TestEvents.reading;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The live page in a real browser: the service runs on the in-process broker with traffic (on
 * topics and an application id of its own), Debian's Chromium loads {@code /} headless, and the
 * DOM it built must hold charts with data and the topology diagram. The screenshot stays in
 * {@code target/live-page/} as a build artifact. Skipped, saying why, where Chromium is not
 * installed; CI installs it.
 */
@Tag("integration")
@Timeout(300)
class LivePageBrowserIT {

    private static final Instant BASE = Instant.parse("2025-06-01T00:00:00Z");
    private static final Path OUT = Path.of("target", "live-page");

    private static HeadlessChromium chromium;
    private static RunningService service;
    private static KafkaClients kafka;
    private static ScheduledExecutorService traffic;

    @BeforeAll
    static void start() throws Exception {
        chromium = HeadlessChromium.find(OUT).orElse(null);
        Assumptions.assumeTrue(chromium != null, "Chromium is not installed (Debian: apt-get install chromium; or set"
                + " CHROMIUM to its path): the live page browser test is skipped");
        service = RunningService.startOnSharedBroker(IotAlertsServiceApplication.application(),
                Files.createTempDirectory("iot-live-page-state"), Map.of(
                        "spring.kafka.streams.application-id", "iot-live-page",
                        "streamworks.iot.topics.telemetry", "live-page-telemetry",
                        "streamworks.iot.topics.stats", "live-page-stats",
                        "streamworks.iot.topics.alerts", "live-page-alerts"));
        kafka = new KafkaClients(KafkaBroker.shared().bootstrapServers());
        traffic = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger tick = new AtomicInteger();
        // every 100 ms five devices read 20 s of event time further: windows (5 min, grace 10 min)
        // close every few seconds; now and then a reading too late for its window, and a broken one
        traffic.scheduleAtFixedRate(() -> {
            int n = tick.getAndIncrement();
            Instant at = BASE.plusSeconds(20L * n);
            for (int device = 0; device < 5; device++) {
                kafka.send("live-page-telemetry", "d" + device, reading("sensor-" + device, at, 60 + (n + device) % 30));
            }
            if (n % 10 == 9) {
                kafka.send("live-page-telemetry", "late", reading("sensor-0", at.minusSeconds(1800), 70));
            }
            if (n % 25 == 24) {
                kafka.send("live-page-telemetry", "broken", "{not json");
            }
        }, 0, 100, TimeUnit.MILLISECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (traffic != null) {
            traffic.shutdownNow();
            traffic.awaitTermination(10, TimeUnit.SECONDS);
        }
        if (service != null) {
            service.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldShowChartsWithDataAndTheTopologyInARealBrowser() throws Exception {
        JsonMapper json = JsonMapper.builder().build();
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
            JsonNode recent = json.readTree(service.get("/actuator/progress/recent").body());
            assertThat(recent.size()).isGreaterThanOrEqualTo(4);
            JsonNode last = recent.get(recent.size() - 1);
            assertThat(last.path("eventTime").path("watermarks").path("live-page-stats").isValueNode()).isTrue();
            assertThat(last.path("lateRows").asLong()).isPositive();
            long statsWritten = 0;
            for (JsonNode progress : recent) {
                statsWritten += progress.path("sink").path("numOutputRows").path("live-page-stats").asLong();
            }
            assertThat(statsWritten).as("windows closed and written").isPositive();
            // Spark's progress fields, from the running client: commits, the input's offsets over the interval
            assertThat(last.path("batchId").asLong()).isPositive();
            JsonNode source = last.path("sources").get(0);
            assertThat(source.path("description").asString()).isEqualTo("live-page-telemetry");
            assertThat(source.path("endOffset").size()).as("one offset per partition").isEqualTo(2);
            long read = 0;
            for (JsonNode progress : recent) {
                read += progress.path("sources").get(0).path("numInputRows").asLong();
            }
            assertThat(read).as("offsets advanced").isPositive();
        });
        String url = "http://localhost:" + service.port() + "/";

        String dom = chromium.dumpDom(url, 6000);
        Files.writeString(OUT.resolve("iot-alerts-service.html"), dom);

        assertThat(Integer.parseInt(attribute(dom, "<body", "data-reports"))).as("progress reports read")
                .isGreaterThanOrEqualTo(4);
        assertThat(dom).contains("id=\"state\" class=\"badge\">RUNNING<");
        for (String chart : new String[] {"rates", "lag", "late-dlq", "state-rows", "durations",
                "event-time:live-page-stats", "e2e:live-page-stats", "rows:live-page-stats"}) {
            assertThat(points(dom, chart)).as("points of chart " + chart).isGreaterThanOrEqualTo(3);
        }
        assertThat(dom).as("the topology diagram, drawn from Topology#describe")
                .contains("class=\"node topic\" data-name=\"live-page-telemetry\"")
                .contains("class=\"node topic\" data-name=\"live-page-stats\"")
                .contains("class=\"node store\"")
                .contains("class=\"node processor\"");
        assertThat(dom).contains("<canvas");

        Path png = OUT.resolve("iot-alerts-service.png");
        chromium.screenshot(url, 6000, 1400, 2600, png);
        assertThat(Files.size(png)).as("a screenshot with something on it").isGreaterThan(20_000);
    }

    /** The number of points the page says chart {@code key} draws. */
    private static int points(String dom, String key) {
        Matcher tag = Pattern.compile("<div[^>]*data-chart=\"" + Pattern.quote(key) + "\"[^>]*>").matcher(dom);
        assertThat(tag.find()).as("chart " + key + " on the page").isTrue();
        return Integer.parseInt(attribute(tag.group(), "<div", "data-points"));
    }

    private static String attribute(String html, String tagStart, String name) {
        Matcher tag = Pattern.compile(Pattern.quote(tagStart) + "[^>]*\\s" + Pattern.quote(name) + "=\"([^\"]*)\"")
                .matcher(html);
        assertThat(tag.find()).as(name + " on " + tagStart).isTrue();
        return tag.group(1);
    }
}
