package dev.streamworks.clickstream.query;

import dev.streamworks.clickstream.ClickstreamProperties;
import dev.streamworks.clickstream.ClickstreamProperties.Output;
import dev.streamworks.clickstream.ClickstreamTopology;
import dev.streamworks.clickstream.domain.Sessions;
import dev.streamworks.clickstream.domain.UserActivity;
import dev.streamworks.clickstream.domain.UserSession;
import dev.streamworks.clickstream.processor.SessionProcessor;
import dev.streamworks.common.query.KeyOwners;
import dev.streamworks.common.query.QueryException;
import dev.streamworks.common.serde.Json;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.annotation.KafkaStreamsDefaultConfiguration;
import org.springframework.kafka.config.KafkaStreamsConfiguration;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.type.TypeReference;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Read-only REST over the per-user stores: running activity, sessions (open and closed, while
 * retained), and the top users by total events.
 * <p>
 * {@code /api/top-users} spans instances: users are spread over every instance's partitions, so
 * the instance asked computes its own top N (one pass over its local activity store, keeping N
 * in a heap), asks every other instance that hosts the store for theirs (a forwarded request,
 * answered locally there), and merges. The global top N is in the union of the local top Ns. If
 * an instance does not answer, the answer would be silently wrong, so the request fails with 503.
 */
@RestController
@RequestMapping("/api")
class UserQueryController {

    private static final int MAX_LIMIT = 1000;
    private static final String ACTIVITY_STORE = ClickstreamTopology.USER_ACTIVITY + "-store";
    private static final Comparator<UserActivity> MOST_ACTIVE = Comparator
            .comparingLong(UserActivity::totalEvents).reversed().thenComparing(UserActivity::userId);

    private final KeyOwners owners;
    private final ClickstreamProperties props;
    private final StreamsBuilderFactoryBean factory;
    private final HostInfo self;

    UserQueryController(KeyOwners owners, ClickstreamProperties props, StreamsBuilderFactoryBean factory,
                        @Qualifier(KafkaStreamsDefaultConfiguration.DEFAULT_STREAMS_CONFIG_BEAN_NAME)
                        KafkaStreamsConfiguration streamsConfig) {
        this.owners = owners;
        this.props = props;
        this.factory = factory;
        String server = streamsConfig.asProperties().getProperty("application.server");
        this.self = server == null ? null : HostInfo.buildFromEndpoint(server);
    }

    @GetMapping("/users/{userId}/activity")
    ResponseEntity<?> activity(@PathVariable String userId, HttpServletRequest request) {
        QueryParams.requireComputed(props, Output.USER_ACTIVITY);
        return owners.answer(ACTIVITY_STORE, userId, request, () -> activity(userId));
    }

    @GetMapping("/users/{userId}/sessions")
    ResponseEntity<?> sessions(@PathVariable String userId, HttpServletRequest request) {
        QueryParams.requireComputed(props, Output.USER_SESSIONS);
        long gap = props.userSessions().gap().toMillis();
        return owners.answer(SessionProcessor.SESSIONS_STORE, userId, request, () -> {
            ReadOnlyKeyValueStore<String, Sessions> store = owners.localStore(SessionProcessor.SESSIONS_STORE,
                    QueryableStoreTypes.keyValueStore());
            Sessions found = store.get(userId);
            List<UserSession> sessions = new ArrayList<>();
            if (found != null) {
                found.sessions().forEach(session -> sessions.add(SessionProcessor.toOutput(userId, session, gap)));
            }
            if (sessions.isEmpty() && props.computes(Output.USER_ACTIVITY)) {
                activity(userId); // 404 when the user never clicked
            }
            return sessions;
        });
    }

    @GetMapping("/top-users")
    ResponseEntity<?> topUsers(@RequestParam(defaultValue = "10") int limit, HttpServletRequest request) {
        QueryParams.requireComputed(props, Output.USER_ACTIVITY);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw QueryException.badRequest("'limit' must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        List<UserActivity> top = new ArrayList<>(localTop(limit));
        if (request.getHeader(KeyOwners.FORWARDED_HEADER) == null) {
            for (HostInfo other : otherInstances()) {
                ResponseEntity<byte[]> answer = owners.forward(other, "/api/top-users?limit=" + limit);
                if (!answer.getStatusCode().is2xxSuccessful() || answer.getBody() == null) {
                    throw new InvalidStateStoreException("instance " + other + " did not answer ("
                            + answer.getStatusCode() + ")");
                }
                top.addAll(Json.mapper().readValue(answer.getBody(), new TypeReference<List<UserActivity>>() { }));
            }
        }
        List<UserActivity> merged = top.stream().sorted(MOST_ACTIVE).limit(limit).toList();
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(Json.mapper().writeValueAsBytes(merged));
    }

    private List<UserActivity> localTop(int limit) {
        ReadOnlyKeyValueStore<String, UserActivity> store = owners.localStore(ACTIVITY_STORE,
                QueryableStoreTypes.keyValueStore());
        // the least active of the current top N on top, so each user costs at most log N
        PriorityQueue<UserActivity> top = new PriorityQueue<>(MOST_ACTIVE.reversed());
        try (KeyValueIterator<String, UserActivity> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, UserActivity> entry = all.next();
                top.add(entry.value);
                if (top.size() > limit) {
                    top.poll();
                }
            }
        }
        return top.stream().sorted(MOST_ACTIVE).toList();
    }

    private List<HostInfo> otherInstances() {
        KafkaStreams streams = factory.getKafkaStreams();
        if (streams == null) {
            throw new InvalidStateStoreException("Kafka Streams has not started yet");
        }
        List<HostInfo> others = new ArrayList<>();
        for (StreamsMetadata metadata : streams.streamsMetadataForStore(ACTIVITY_STORE)) {
            HostInfo host = metadata.hostInfo();
            if (!host.equals(self) && !host.equals(HostInfo.unavailable()) && !others.contains(host)) {
                others.add(host);
            }
        }
        return others;
    }

    private UserActivity activity(String userId) {
        ReadOnlyKeyValueStore<String, UserActivity> store = owners.localStore(ACTIVITY_STORE,
                QueryableStoreTypes.keyValueStore());
        UserActivity activity = store.get(userId);
        if (activity == null) {
            throw QueryException.notFound("no activity of user '" + userId + "'");
        }
        return activity;
    }
}
