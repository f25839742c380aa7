package dev.streamworks.differential.ref;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.List;

import static dev.streamworks.differential.ref.FraudReference.ALERTS;
import static dev.streamworks.differential.ref.FraudReference.LATE;
import static dev.streamworks.differential.ref.Outputs.values;
import static org.assertj.core.api.Assertions.assertThat;

/** The fraud reference on small inputs worked out by hand. */
class FraudReferenceTest {

    private static List<String> alerts(Inputs inputs, String user) {
        return values(FraudReference.compute(inputs.data(), Inputs.SETTINGS), ALERTS, user).stream()
                .map(a -> a.path("transaction_id").asString() + " " + a.path("alert_type").asString() + " " + a.path("reasons"))
                .toList();
    }

    @Test
    void suspectsOnTheSixthTransactionWithinTheLookbackAndNotOnTheFifth() {
        Inputs inputs = new Inputs();
        for (int i = 0; i < 6; i++) {
            inputs.transaction(0, "t" + i, "13:0" + i + ":00", "u1", "10", "US");
        }
        inputs.transaction(1, "edge0", "13:00:00", "u2", "10", "US");
        for (int i = 1; i < 5; i++) {
            inputs.transaction(1, "edge" + i, "13:0" + i + ":00", "u2", "10", "US");
        }
        inputs.transaction(1, "edge5", "13:10:00", "u2", "10", "US"); // edge0 is exactly lookback old: out
        Expected expected = FraudReference.compute(inputs.data(), Inputs.SETTINGS);
        JsonNode alert = values(expected, ALERTS, "u1").get(0);
        assertThat(values(expected, ALERTS, "u1")).hasSize(1);
        assertThat(alert.path("alert_id").asString()).isEqualTo("u1@t5");
        assertThat(alert.path("alert_type").asString()).isEqualTo("FRAUD_SUSPECTED");
        assertThat(alert.path("risk_score").asDouble()).isEqualTo(0.5833);
        assertThat(alert.path("window_transactions").asLong()).isEqualTo(6);
        assertThat(alert.path("window_amount").asDouble()).isEqualTo(60.0);
        assertThat(alert.path("transaction_time").asString()).isEqualTo("2025-12-09T13:05:00Z");
        assertThat(values(expected, ALERTS, "u2")).isEmpty();
    }

    @Test
    void escalatesOnANewRuleOnlyAndOpensANewEpisodeAfterAQuietLookback() {
        Inputs inputs = new Inputs()
                .transaction(0, "a", "13:00:00", "u1", "5000", "US")
                .transaction(0, "b", "13:01:00", "u1", "5000", "FR") // exactly 10000: nothing
                .transaction(0, "c", "13:02:00", "u1", "0.01", "US") // 10000.01: SUSPECTED
                .transaction(0, "d", "13:03:00", "u1", "1", "US") // still a spike: nothing new
                .transaction(0, "e", "13:04:00", "u1", "1", "DE") // third country: ESCALATED
                .transaction(0, "f", "13:14:00", "u1", "10001", "US") // last trigger 13:04, exactly lookback: ESCALATED? no new rule
                .transaction(0, "g", "13:24:00.001", "u1", "10001", "US"); // 10 min + 1 ms after f: a new episode
        assertThat(alerts(inputs, "u1")).containsExactly(
                "c FRAUD_SUSPECTED [\"AMOUNT_SPIKE\"]",
                "e FRAUD_ESCALATED [\"AMOUNT_SPIKE\",\"MULTIPLE_COUNTRIES\"]",
                "g FRAUD_SUSPECTED [\"AMOUNT_SPIKE\"]");
    }

    @Test
    void routesTransactionsAtOrBeyondTheGraceLateAndIgnoresRepeatedIds() {
        Inputs inputs = new Inputs()
                .transaction(0, "anchor", "13:15:00", "u9", "1", "US")
                .transaction(0, "late", "13:00:00", "u1", "20000", "US") // 15 min behind: late
                .transaction(0, "ok", "13:00:00.001", "u2", "20000", "US")
                .transaction(0, "ok", "13:00:00.001", "u2", "20000", "US"); // repeated: ignored
        Expected expected = FraudReference.compute(inputs.data(), Inputs.SETTINGS);
        assertThat(expected.records(LATE)).singleElement().satisfies(out -> {
            assertThat(out.key()).isEqualTo("u1");
            assertThat(out.reason()).isEqualTo(ALERTS);
        });
        assertThat(values(expected, ALERTS, "u1")).isEmpty();
        assertThat(values(expected, ALERTS, "u2")).singleElement()
                .satisfies(alert -> assertThat(alert.path("risk_score").asDouble()).isEqualTo(0.75));
    }
}
