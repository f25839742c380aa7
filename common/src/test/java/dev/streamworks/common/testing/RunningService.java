package dev.streamworks.common.testing;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * A service's real Spring Boot application, started as {@code main} starts it, against a real
 * broker, and stopped on {@link #close()}: a restart is a close and a second start with the same
 * state directory.
 */
public final class RunningService implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final HttpClient http = HttpClient.newHttpClient();

    private RunningService(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /** Starts the application with {@code properties} as command-line arguments (they beat its yml). */
    public static RunningService start(SpringApplicationBuilder application, Map<String, String> properties) {
        List<String> args = new ArrayList<>();
        properties.forEach((key, value) -> args.add("--" + key + "=" + value));
        RunningService service = new RunningService(application.run(args.toArray(String[]::new)));
        await().atMost(Duration.ofSeconds(60)).until(() -> service.streamsState() == KafkaStreams.State.RUNNING);
        return service;
    }

    /**
     * Starts the application on {@link KafkaBroker#shared()} with the settings every integration
     * test wants: a random HTTP port, its own state directory, leave the group on close (a restart
     * is not held for the session timeout), two partitions per topic, progress every second, input
     * partitions idle after two quiet seconds (so windows close without data on every partition),
     * health details shown (the tests read the Streams state from {@code /actuator/health} as an
     * authorized operator would). {@code overrides} win.
     */
    public static RunningService startOnSharedBroker(SpringApplicationBuilder application, Path stateDir,
                                                     Map<String, String> overrides) {
        Map<String, String> properties = new java.util.LinkedHashMap<>(Map.of(
                "spring.kafka.bootstrap-servers", KafkaBroker.shared().bootstrapServers(),
                "server.port", "0",
                "streamworks.state-dir", stateDir.toString(),
                "streamworks.leave-group-on-close", "true",
                "streamworks.topics.partitions", "2",
                "streamworks.progress.interval", "1s",
                "streamworks.idle-timeout", "2s",
                "streamworks.health.show-details", "always"));
        properties.putAll(overrides);
        return start(application, properties);
    }

    public KafkaStreams.State streamsState() {
        KafkaStreams streams = context.getBean(StreamsBuilderFactoryBean.class).getKafkaStreams();
        return streams == null ? KafkaStreams.State.CREATED : streams.state();
    }

    public int port() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port", "0"));
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    public <T> T bean(String name, Class<T> type) {
        return context.getBean(name, type);
    }

    /** A request of any method on this instance's HTTP port. */
    public HttpResponse<String> send(String method, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port() + path))
                .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody()).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** GET on this instance's HTTP port. */
    public HttpResponse<String> get(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port() + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        context.close();
    }
}
