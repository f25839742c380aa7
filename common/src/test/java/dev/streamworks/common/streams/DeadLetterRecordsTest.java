package dev.streamworks.common.streams;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterRecordsTest {

    private static ProducerRecord<byte[], byte[]> deadLetter(int valueBytes, int stacktraceBytes) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace-id", "t-1".getBytes(StandardCharsets.UTF_8));
        headers.add("__streams.errors.exception", "dev.streamworks.common.event.InvalidEventException".getBytes(StandardCharsets.UTF_8));
        byte[] trace = new byte[stacktraceBytes];
        Arrays.fill(trace, (byte) 'a');
        headers.add(DeadLetterRecords.STACKTRACE, trace);
        byte[] value = new byte[valueBytes];
        Arrays.fill(value, (byte) '{');
        return new ProducerRecord<>("iot-alerts.dlq", null, 1_700_000_000_000L,
                "sensor-1".getBytes(StandardCharsets.UTF_8), value, headers);
    }

    @Test
    void shouldKeepARecordThatFitsWholeButCapItsStackTrace() {
        ProducerRecord<byte[], byte[]> fitted = DeadLetterRecords.fit(deadLetter(1000, 100_000), 1024 * 1024);

        assertThat(fitted.value()).hasSize(1000);
        assertThat(fitted.headers().lastHeader(DeadLetterRecords.STACKTRACE).value())
                .hasSize(DeadLetterRecords.MAX_STACKTRACE_BYTES);
        assertThat(fitted.headers().lastHeader(DeadLetterRecords.TRUNCATED_FROM)).isNull();
        assertThat(fitted.headers().lastHeader("trace-id").value()).asString(StandardCharsets.UTF_8).isEqualTo("t-1");
        assertThat(fitted.timestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(fitted.topic()).isEqualTo("iot-alerts.dlq");
    }

    @Test
    void shouldCutTheValueOfARecordTooLargeForTheLimitAndSayHowLargeItWas() {
        int limit = 1024 * 1024;
        ProducerRecord<byte[], byte[]> fitted = DeadLetterRecords.fit(deadLetter(2 * 1024 * 1024, 50_000), limit);

        assertThat(DeadLetterRecords.sizeUpperBound(fitted.key(), fitted.value(), fitted.headers())).isLessThanOrEqualTo(limit);
        assertThat(fitted.value().length).isGreaterThan(limit - 20_000);
        assertThat(fitted.headers().lastHeader(DeadLetterRecords.TRUNCATED_FROM).value())
                .asString(StandardCharsets.UTF_8).isEqualTo(String.valueOf(2 * 1024 * 1024));
        assertThat(fitted.key()).asString(StandardCharsets.UTF_8).isEqualTo("sensor-1");
        assertThat(fitted.headers().lastHeader("__streams.errors.exception")).isNotNull();
    }

    @Test
    void shouldLeaveRecordsAloneWithoutAKnownLimit() {
        ProducerRecord<byte[], byte[]> fitted = DeadLetterRecords.fit(deadLetter(3 * 1024 * 1024, 10), 0);

        assertThat(fitted.value()).hasSize(3 * 1024 * 1024);
    }
}
