package dev.streamworks.common.query;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.StreamsNotStartedException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreType;
import dev.streamworks.common.serde.Json;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Interactive queries across instances: a key's state lives on the instance that owns its
 * partition; any instance answers any key by forwarding the request to the owner, found
 * through Kafka Streams' metadata ({@code application.server}). A forwarded request is answered
 * where it lands, never forwarded twice.
 */
public final class KeyOwners {

    public static final String FORWARDED_HEADER = "X-Streamworks-Forwarded";

    private final Supplier<KafkaStreams> streams;
    private final HostInfo self;

    /** @param applicationServer this instance's {@code application.server} ({@code host:port}) */
    public KeyOwners(Supplier<KafkaStreams> streams, String applicationServer) {
        this.streams = streams;
        this.self = HostInfo.buildFromEndpoint(applicationServer);
    }

    /** The other instance that owns {@code key} in {@code store}; empty when it is this one. */
    public Optional<HostInfo> remoteOwner(String store, String key) {
        KeyQueryMetadata metadata = running().queryMetadataForKey(store, key, Serdes.String().serializer());
        HostInfo owner = metadata.activeHost();
        if (owner == null || owner.equals(HostInfo.unavailable()) || owner.equals(self)) {
            return Optional.empty();
        }
        return Optional.of(owner);
    }

    /**
     * Answers a key query: forwarded to the owner when another instance holds the key, otherwise
     * {@code local} reads this instance's store.
     */
    public ResponseEntity<?> answer(String store, String key, HttpServletRequest request, Supplier<?> local) {
        if (request.getHeader(FORWARDED_HEADER) == null) {
            Optional<HostInfo> owner = remoteOwner(store, key);
            if (owner.isPresent()) {
                String query = request.getQueryString();
                return forward(owner.get(), request.getRequestURI() + (query == null ? "" : "?" + query));
            }
        }
        // the same JSON as the topics (snake_case, instants as Instant#toString), whatever
        // Spring's own JSON settings are
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .body(Json.mapper().writeValueAsBytes(local.get()));
    }

    /** This instance's copy of a store. */
    public <T> T localStore(String store, QueryableStoreType<T> type) {
        return running().store(StoreQueryParameters.fromNameAndType(store, type));
    }

    /**
     * Sends the same GET to {@code owner} and returns its answer as it is; throws a
     * {@link QueryException#ownerUnreachable} (502, a ProblemDetail naming the owner) when the
     * owner does not answer.
     */
    public ResponseEntity<byte[]> forward(HostInfo owner, String pathAndQuery) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + owner.host() + ":" + owner.port() + pathAndQuery))
                .header(FORWARDED_HEADER, "true").timeout(Duration.ofSeconds(10)).GET().build();
        try {
            HttpResponse<byte[]> response = Http.CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return ResponseEntity.status(response.statusCode())
                    .header("Content-Type", response.headers().firstValue("Content-Type").orElse("application/json"))
                    .body(response.body());
        } catch (IOException e) {
            throw QueryException.ownerUnreachable(owner.host() + ":" + owner.port(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw QueryException.ownerUnreachable(owner.host() + ":" + owner.port(), e);
        }
    }

    private KafkaStreams running() {
        KafkaStreams client = streams.get();
        if (client == null) {
            throw new StreamsNotStartedException("Kafka Streams has not started yet");
        }
        return client;
    }

    /**
     * The client of forwarded queries, created at the first forward, not at start-up: building a
     * {@code java.net.http} client loads its classes and starts a selector thread (about 0.1 s of a
     * 2-core start), and a single instance never forwards. One per JVM (the devstack runs four
     * services in one).
     */
    private static final class Http {
        static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }
}
