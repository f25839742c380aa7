package dev.streamworks.clickstream;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ClickstreamPropertiesTest {

    private static ClickstreamProperties bind(Map<String, Object> environmentVariables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        environmentVariables));
        return Binder.get(environment).bindOrCreate("streamworks.clickstream", ClickstreamProperties.class);
    }

    @Test
    void shouldDefaultToTheContract() {
        assertThat(bind(Map.of())).isEqualTo(ClickstreamProperties.defaults());
    }

    @Test
    void shouldReadEnvironmentVariablesNamedAsTheContractNamesThem() {
        ClickstreamProperties props = bind(Map.of("STREAMWORKS_CLICKSTREAM_ANOMALY_THRESHOLD", "20",
                "STREAMWORKS_CLICKSTREAM_DISTINCT", "approximate",
                "STREAMWORKS_CLICKSTREAM_DEDUP_WINDOW", "30m",
                "STREAMWORKS_CLICKSTREAM_CLICKS_PER_PRODUCT_EMIT", "final",
                "STREAMWORKS_CLICKSTREAM_EVENT_TYPE_COUNTS_ADVANCE", "5s",
                "STREAMWORKS_CLICKSTREAM_TOPICS_CLICKS", "shop.clicks",
                "STREAMWORKS_CLICKSTREAM_OUTPUTS", "clicks-per-product,event-lateness"));

        assertThat(props.anomalyThreshold()).isEqualTo(20);
        assertThat(props.distinct()).isEqualTo(ClickstreamProperties.Distinct.APPROXIMATE);
        assertThat(props.dedupWindow()).isEqualTo(Duration.ofMinutes(30));
        assertThat(props.clicksPerProduct().emit()).isEqualTo(ClickstreamProperties.Emit.FINAL);
        assertThat(props.eventTypeCounts().advance()).isEqualTo(Duration.ofSeconds(5));
        assertThat(props.topics().clicks()).isEqualTo("shop.clicks");
        assertThat(props.outputs()).containsExactlyInAnyOrder(ClickstreamProperties.Output.CLICKS_PER_PRODUCT,
                ClickstreamProperties.Output.EVENT_LATENESS);
    }

    @Test
    void shouldRejectAHoppingAdvanceThatDoesNotDivideTheSize() {
        assertThat(new ClickstreamProperties.EventTypeCounts(Duration.ofSeconds(30), Duration.ofSeconds(7),
                Duration.ofSeconds(10), ClickstreamProperties.Emit.UPDATE).isValidShape()).isFalse();
        assertThat(ClickstreamProperties.defaults().isRetentionCoveringGrace()).isTrue();
    }
}
