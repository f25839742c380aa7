package dev.streamworks.common.ops;

import org.junit.jupiter.api.Test;

import static org.apache.kafka.streams.KafkaStreams.State.CREATED;
import static org.apache.kafka.streams.KafkaStreams.State.ERROR;
import static org.apache.kafka.streams.KafkaStreams.State.NOT_RUNNING;
import static org.apache.kafka.streams.KafkaStreams.State.PENDING_ERROR;
import static org.apache.kafka.streams.KafkaStreams.State.PENDING_SHUTDOWN;
import static org.apache.kafka.streams.KafkaStreams.State.REBALANCING;
import static org.apache.kafka.streams.KafkaStreams.State.RUNNING;
import static org.assertj.core.api.Assertions.assertThat;

class StreamsStateTest {

    private final StreamsState state = new StreamsState();

    @Test
    void shouldBeReadyOnlyOnceRunning() {
        assertThat(state.isReady()).isFalse();

        state.onChange(REBALANCING, CREATED);
        assertThat(state.isReady()).isFalse();
        assertThat(state.isAlive()).isTrue();

        state.onChange(RUNNING, REBALANCING);
        assertThat(state.isReady()).isTrue();
    }

    @Test
    void shouldStayReadyThroughARebalanceAfterRunning() {
        state.onChange(REBALANCING, CREATED);
        state.onChange(RUNNING, REBALANCING);
        state.onChange(REBALANCING, RUNNING);

        assertThat(state.isReady()).isTrue();
        assertThat(state.readiness().health().getStatus().getCode()).isEqualTo("UP");
    }

    @Test
    void shouldFailLivenessOnlyWhenTheClientIsDead() {
        state.onChange(RUNNING, REBALANCING);
        state.onChange(PENDING_ERROR, RUNNING);
        assertThat(state.isAlive()).isFalse();

        state.onChange(ERROR, PENDING_ERROR);
        assertThat(state.isAlive()).isFalse();
        assertThat(state.liveness().health().getStatus().getCode()).isEqualTo("DOWN");
        assertThat(state.readiness().health().getStatus().getCode()).isEqualTo("DOWN");
    }

    @Test
    void shouldStayAliveThroughAnOrderlyShutdown() {
        state.onChange(RUNNING, REBALANCING);
        state.onChange(PENDING_SHUTDOWN, RUNNING);
        state.onChange(NOT_RUNNING, PENDING_SHUTDOWN);

        assertThat(state.isAlive()).isTrue();
        assertThat(state.isReady()).isFalse();
        assertThat(state.readiness().health().getStatus().getCode()).isEqualTo("OUT_OF_SERVICE");
    }

    @Test
    void shouldNotBeReadyWhileStuck() {
        state.onChange(RUNNING, REBALANCING);
        state.stuck("500 records of lag and nothing committed");

        assertThat(state.isReady()).isFalse();
        assertThat(state.isAlive()).isTrue();
        assertThat(state.readiness().health().getStatus().getCode()).isEqualTo("DOWN");
        assertThat(state.readiness().health().getDetails()).containsEntry("stuck", "500 records of lag and nothing committed");

        state.stuck(null);
        assertThat(state.isReady()).isTrue();
    }
}
