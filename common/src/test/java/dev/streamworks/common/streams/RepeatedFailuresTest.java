package dev.streamworks.common.streams;

import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RepeatedFailuresTest {

    private record Source(String topic, int partition, long offset) implements ErrorHandlerContext {

        @Override
        public Headers headers() {
            return new RecordHeaders();
        }

        @Override
        public String processorNodeId() {
            return "sink";
        }

        @Override
        public TaskId taskId() {
            return new TaskId(0, partition);
        }

        @Override
        public long timestamp() {
            return 0;
        }

        @Override
        public byte[] sourceRawKey() {
            return null;
        }

        @Override
        public byte[] sourceRawValue() {
            return null;
        }
    }

    private final RepeatedFailures failures = new RepeatedFailures();

    @Test
    void shouldGiveUpOnARecordThatFailsTheSameWayTwiceInARow() {
        Source record = new Source("iot-telemetry", 0, 42);

        assertThat(failures.failedAgain(record, new CorruptRecordException("bad crc"))).isFalse();
        assertThat(failures.failedAgain(record, new CorruptRecordException("bad crc"))).isTrue();
    }

    @Test
    void shouldRetryWhenTheRecordOrTheErrorChanges() {
        assertThat(failures.failedAgain(new Source("iot-telemetry", 0, 42), new CorruptRecordException("a"))).isFalse();
        assertThat(failures.failedAgain(new Source("iot-telemetry", 0, 43), new CorruptRecordException("a"))).isFalse();
        assertThat(failures.failedAgain(new Source("iot-telemetry", 0, 43), new IllegalStateException("b"))).isFalse();
    }

    @Test
    void shouldAlwaysRetryWhatSaysTheClusterIsUnavailable() {
        Source record = new Source("iot-telemetry", 0, 42);
        for (int i = 0; i < 5; i++) {
            assertThat(failures.failedAgain(record, new TimeoutException("broker down"))).isFalse();
            assertThat(failures.failedAgain(record, new NotLeaderOrFollowerException("moving"))).isFalse();
        }
    }
}
