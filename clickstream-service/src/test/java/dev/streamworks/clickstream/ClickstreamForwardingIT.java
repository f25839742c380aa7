package dev.streamworks.clickstream;

import dev.streamworks.common.query.KeyOwners;
import dev.streamworks.common.serde.JsonSerde;
import dev.streamworks.common.testing.KafkaBroker;
import dev.streamworks.common.testing.KafkaClients;
import dev.streamworks.common.testing.RunningService;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static dev.streamworks.common.testing.TestEvents.click;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of the real application (same application id and broker, their own state
 * directories and HTTP ports, each advertising itself in {@code application.server}): a query
 * for a key whose partition the other instance owns is forwarded there and answered, and
 * {@code /api/top-users} merges both instances' users.
 */
@Tag("integration")
@Timeout(240)
class ClickstreamForwardingIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String APP_ID = "clickstream-forwarding-it";
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final int USERS = 12;

    private static KafkaClients kafka;
    private static RunningService first;
    private static RunningService second;

    @BeforeAll
    static void start() throws Exception {
        kafka = new KafkaClients(KafkaBroker.shared().bootstrapServers());
        ClickstreamServiceIT.createCompactedTopic("cdc.users");
        first = instance(freePort());
        second = instance(freePort());
        await().atMost(WAIT).until(() -> first.streamsState() == KafkaStreams.State.RUNNING
                && second.streamsState() == KafkaStreams.State.RUNNING);
    }

    private static RunningService instance(int port) throws IOException {
        Map<String, String> props = new HashMap<>();
        props.put("spring.kafka.bootstrap-servers", KafkaBroker.shared().bootstrapServers());
        props.put("spring.kafka.streams.application-id", APP_ID);
        props.put("spring.kafka.streams.properties.application.server", "localhost:" + port);
        props.put("server.port", String.valueOf(port));
        props.put("streamworks.state-dir", Files.createTempDirectory("clickstream-fwd-" + port).toString());
        props.put("streamworks.leave-group-on-close", "true");
        props.put("streamworks.topics.partitions", "2");
        return RunningService.start(ClickstreamServiceApplication.application(), props);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @AfterAll
    static void stop() {
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static String user(int i) {
        return "fwd-" + RUN + "-" + i;
    }

    @Test
    void shouldAnswerAKeyOwnedByTheOtherInstanceFromEitherInstance() {
        // before every event time of ClickstreamServiceIT, which reads the same input topic with its
        // own application id: a later time here would move its stream time ahead and make its events late
        Instant at = Instant.parse("2025-12-01T09:00:00Z");
        for (int i = 0; i < USERS; i++) {
            for (int n = 0; n <= i; n++) {
                kafka.send("user-clicks", "k", click("fwd-" + RUN + "-" + i + "-" + n, at.plusSeconds(n), user(i),
                        "view", "p-" + RUN, 1.0, 1));
            }
        }
        await().atMost(WAIT).untilAsserted(() -> {
            for (int i = 0; i < USERS; i++) {
                HttpResponse<String> answer = first.get("/api/users/" + user(i) + "/activity");
                assertThat(answer.statusCode()).as(user(i)).isEqualTo(200);
                assertThat(json(answer.body()).get("total_events").asLong()).isEqualTo(i + 1);
            }
        });

        // a user the first instance does not own, asked there; and one the second does not own, asked there
        List<Integer> remoteToFirst = remotelyOwned(first);
        List<Integer> remoteToSecond = remotelyOwned(second);
        assertThat(remoteToFirst.size() + remoteToSecond.size()).as("every user is owned by exactly one instance")
                .isEqualTo(USERS);
        for (int i : remoteToFirst) {
            HttpResponse<String> answer = first.get("/api/users/" + user(i) + "/activity");
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(json(answer.body()).get("user_id").asString()).isEqualTo(user(i));
            assertThat(json(answer.body()).get("total_events").asLong()).isEqualTo(i + 1);
        }
        for (int i : remoteToSecond) {
            assertThat(json(second.get("/api/users/" + user(i) + "/activity").body()).get("total_events").asLong())
                    .isEqualTo(i + 1);
        }
        assertThat(first.get("/api/users/no-such-" + RUN + "/activity").statusCode()).isEqualTo(404);

        // the input topic may also hold other tests' users: keep this run's, in the order given
        List<String> fromFirst = thisRunsUsers(json(first.get("/api/top-users?limit=1000").body()));
        List<String> fromSecond = thisRunsUsers(json(second.get("/api/top-users?limit=1000").body()));
        List<String> expected = new ArrayList<>();
        for (int i = USERS - 1; i >= 0; i--) {
            expected.add(user(i));
        }
        assertThat(fromFirst).as("both instances' users, most active first").isEqualTo(expected);
        assertThat(fromSecond).isEqualTo(expected);
    }

    private static List<String> thisRunsUsers(JsonNode top) {
        List<String> users = new ArrayList<>();
        top.forEach(node -> {
            String id = node.get("user_id").asString();
            if (id.startsWith("fwd-" + RUN + "-")) {
                users.add(id);
            }
        });
        return users;
    }

    private static List<Integer> remotelyOwned(RunningService instance) {
        KeyOwners owners = instance.bean(KeyOwners.class);
        List<Integer> remote = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            Optional<HostInfo> owner = owners.remoteOwner(ClickstreamTopology.USER_ACTIVITY + "-store", user(i));
            if (owner.isPresent()) {
                remote.add(i);
            }
        }
        return remote;
    }

    private static JsonNode json(String body) {
        return JsonSerde.of(JsonNode.class).deserializer().deserialize("", body.getBytes(StandardCharsets.UTF_8));
    }
}
