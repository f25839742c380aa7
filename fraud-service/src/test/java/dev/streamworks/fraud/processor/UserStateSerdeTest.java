package dev.streamworks.fraud.processor;

import dev.streamworks.fraud.domain.AlertType;
import dev.streamworks.fraud.domain.FraudAlert;
import dev.streamworks.fraud.domain.Rule;
import dev.streamworks.fraud.domain.Status;
import dev.streamworks.fraud.domain.UserState;
import dev.streamworks.fraud.domain.UserTransaction;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UserStateSerdeTest {

    private final UserStateSerde serde = new UserStateSerde();

    private UserState roundTrip(UserState state) {
        return serde.deserializer().deserialize("t", serde.serializer().serialize("t", state));
    }

    @Test
    void shouldRoundTripAnEmptyState() {
        assertThat(roundTrip(UserState.empty())).isEqualTo(UserState.empty());
    }

    @Test
    void shouldRoundTripAFullState() {
        FraudAlert alert = new FraudAlert("ü-1@tx-2", AlertType.FRAUD_ESCALATED, "ü-1", "tx-2",
                Instant.parse("2025-12-09T13:05:00Z"), List.of(Rule.TOO_MANY_TRANSACTIONS, Rule.MULTIPLE_COUNTRIES),
                0.8333, 7, 1234.5, List.of("DE", "FR", "US"));
        UserState state = new UserState(Status.SUSPECTED, Set.of(Rule.TOO_MANY_TRANSACTIONS, Rule.MULTIPLE_COUNTRIES),
                1_765_285_500_000L, 1_765_285_560_000L,
                List.of(new UserTransaction("tx-1", 1_765_285_200_000L, 0.1, "us"),
                        new UserTransaction("tx-ü", 1_765_285_560_000L, 10_000.01, "FR")),
                alert);

        UserState copy = roundTrip(state);

        assertThat(copy).isEqualTo(state);
        assertThat(copy.reported()).containsExactlyInAnyOrder(Rule.TOO_MANY_TRANSACTIONS, Rule.MULTIPLE_COUNTRIES);
    }

    @Test
    void shouldKeepATransactionInFewBytes() {
        UserState one = new UserState(Status.CLEAR, Set.of(), UserState.NEVER, 0,
                List.of(new UserTransaction("tx-1", 0, 1.0, "US")), null);

        assertThat(serde.serializer().serialize("t", one)).hasSizeLessThan(60);
    }

    @Test
    void shouldRejectBytesThatAreNotAState() {
        byte[] valid = serde.serializer().serialize("t", UserState.empty());

        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[]{9, 0, 0}))
                .isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", Arrays.copyOf(valid, valid.length - 1)))
                .isInstanceOf(SerializationException.class);
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
    }
}
