package dev.streamworks.fraud;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FraudPropertiesTest {

    private static FraudProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("streamworks.fraud", FraudProperties.class);
    }

    @Test
    void shouldDefaultToTheContractsValues() {
        FraudProperties bound = bind(Map.of());

        assertThat(bound).isEqualTo(FraudProperties.defaults());
        assertThat(bound.rules().lookbackMs()).isEqualTo(Duration.ofMinutes(10).toMillis());
    }

    @Test
    void shouldBindKebabCaseProperties() {
        FraudProperties bound = bind(Map.of("streamworks.fraud.max-amount", "2500.50",
                "streamworks.fraud.max-transactions", "3", "streamworks.fraud.ttl-batch-size", "10",
                "streamworks.fraud.topics.alerts", "alerts-v2"));

        assertThat(bound.maxAmount()).isEqualByComparingTo(new BigDecimal("2500.50"));
        assertThat(bound.maxTransactions()).isEqualTo(3);
        assertThat(bound.ttlBatchSize()).isEqualTo(10);
        assertThat(bound.topics().alerts()).isEqualTo("alerts-v2");
        assertThat(bound.topics().transactions()).isEqualTo("transactions");
    }

    @Test
    void shouldRequireTheTtlToCoverLookbackAndGrace() {
        assertThat(bind(Map.of("streamworks.fraud.state-ttl", "25m")).isStateTtlCoveringLookbackAndGrace()).isTrue();
        assertThat(bind(Map.of("streamworks.fraud.state-ttl", "24m")).isStateTtlCoveringLookbackAndGrace()).isFalse();
    }
}
