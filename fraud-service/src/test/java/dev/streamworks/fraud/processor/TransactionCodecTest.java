package dev.streamworks.fraud.processor;

import dev.streamworks.common.event.Transaction;
import dev.streamworks.common.serde.EventSerde;
import dev.streamworks.common.serde.Parsed;
import dev.streamworks.common.serde.RepartitionSerde;
import dev.streamworks.common.testing.TestTimes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class TransactionCodecTest {

    private final EventSerde<Transaction> input =
            new EventSerde<>(Transaction.class, 4096, Duration.ofHours(1), TestTimes.CLOCK);
    private final RepartitionSerde<Transaction> serde = RepartitionSerde.of(input, new TransactionCodec());

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"transaction_id\":\"tx-1\",\"user_id\":\"user-1\",\"amount\":1234.56,\"country\":\"de\","
                    + "\"transaction_time\":\"2025-12-09T15:08:01.123456789+02:00\",\"currency\":\"EUR\","
                    + "\"merchant\":\"Café Zürich – 東京\"}",
            "{\"transaction_id\":\"tx-2\",\"user_id\":\"usér-2\",\"amount\":0,\"country\":\"US\","
                    + "\"transaction_time\":1765285681282}"})
    void shouldCarryEveryFieldOfATransactionAndItsOriginalBytes(String json) {
        Parsed<Transaction> parsed = input.deserializer().deserialize("transactions",
                json.getBytes(StandardCharsets.UTF_8));

        Parsed<Transaction> back = serde.read(serde.write(parsed));

        assertThat(back.value()).isEqualTo(parsed.value());
        assertThat(new String(back.bytes(), StandardCharsets.UTF_8)).isEqualTo(json);
    }
}
