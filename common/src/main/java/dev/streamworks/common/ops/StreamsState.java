package dev.streamworks.common.ops;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Follows the Kafka Streams client's state for the probes (docs/endpoints.md). Readiness is
 * UP only while {@code RUNNING}, or {@code REBALANCING} once it has run: a rebalance is normal
 * work. Liveness fails only when the client is dead ({@code ERROR}, {@code PENDING_ERROR}, or
 * {@code NOT_RUNNING} without a shutdown asked for), never for a rebalance or a restore.
 * Readiness is also DOWN while processing is stuck ({@link StuckDetector}): never UP while
 * nothing moves.
 */
public final class StreamsState implements KafkaStreams.StateListener {

    private final AtomicReference<KafkaStreams.State> state = new AtomicReference<>(KafkaStreams.State.CREATED);
    private final AtomicBoolean hasRun = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicReference<String> stuck = new AtomicReference<>();

    @Override
    public void onChange(KafkaStreams.State newState, KafkaStreams.State oldState) {
        state.set(newState);
        if (newState == KafkaStreams.State.RUNNING) {
            hasRun.set(true);
        }
        if (newState == KafkaStreams.State.PENDING_SHUTDOWN) {
            stopping.set(true);
        }
    }

    public KafkaStreams.State state() {
        return state.get();
    }

    public boolean isReady() {
        KafkaStreams.State current = state.get();
        return stuck.get() == null && (current == KafkaStreams.State.RUNNING
                || current == KafkaStreams.State.REBALANCING && hasRun.get());
    }

    /** Marks processing stuck, with the reason readiness reports; {@code null} once it moves again. */
    public void stuck(String reason) {
        stuck.set(reason);
    }

    /** Why processing is stuck, or {@code null}. */
    public String stuckReason() {
        return stuck.get();
    }

    public boolean isAlive() {
        KafkaStreams.State current = state.get();
        return switch (current) {
            case ERROR, PENDING_ERROR -> false;
            case NOT_RUNNING -> stopping.get();
            default -> true;
        };
    }

    /** The readiness indicator ({@code kafkaStreams}): also part of {@code /actuator/health}. */
    public HealthIndicator readiness() {
        return () -> {
            String reason = stuck.get();
            Health.Builder health = reason != null ? Health.down().withDetail("stuck", reason)
                    : isReady() ? Health.up() : isAlive() ? Health.outOfService() : Health.down();
            return health.withDetail("state", state.get().name()).withDetail("hasRun", hasRun.get()).build();
        };
    }

    /** The liveness indicator ({@code kafkaStreamsLiveness}). */
    public HealthIndicator liveness() {
        return () -> (isAlive() ? Health.up() : Health.down()).withDetail("state", state.get().name()).build();
    }
}
