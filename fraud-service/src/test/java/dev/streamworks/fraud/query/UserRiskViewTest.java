package dev.streamworks.fraud.query;

import dev.streamworks.common.serde.Json;
import dev.streamworks.fraud.FraudProperties;
import dev.streamworks.fraud.domain.UserState;
import dev.streamworks.fraud.domain.UserTransaction;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class UserRiskViewTest {

    private static final long T0 = Instant.parse("2025-12-09T13:00:00Z").toEpochMilli();

    @Test
    void shouldShowTheStatusAndTheTransactionsOfTheLatestLookbackInSnakeCase() {
        UserState state = UserState.empty();
        for (int minute : new int[]{0, 5, 10, 12}) {
            state = state.judge("u-1", new UserTransaction("tx-" + minute, T0 + minute * 60_000L, 1.5, "us"),
                    FraudProperties.defaults().rules(), Long.MIN_VALUE).state();
        }

        String json = new String(Json.mapper().writeValueAsBytes(
                UserRiskView.of("u-1", state, FraudProperties.defaults().rules())));

        assertThat(json).isEqualTo("{\"user_id\":\"u-1\",\"status\":\"CLEAR\",\"reported_rules\":[],"
                + "\"last_triggered_at\":null,\"last_transaction_at\":\"2025-12-09T13:12:00Z\","
                + "\"recent_transactions\":["
                + "{\"transaction_id\":\"tx-5\",\"transaction_time\":\"2025-12-09T13:05:00Z\",\"amount\":1.5,\"country\":\"US\"},"
                + "{\"transaction_id\":\"tx-10\",\"transaction_time\":\"2025-12-09T13:10:00Z\",\"amount\":1.5,\"country\":\"US\"},"
                + "{\"transaction_id\":\"tx-12\",\"transaction_time\":\"2025-12-09T13:12:00Z\",\"amount\":1.5,\"country\":\"US\"}],"
                + "\"last_alert\":null}");
    }
}
