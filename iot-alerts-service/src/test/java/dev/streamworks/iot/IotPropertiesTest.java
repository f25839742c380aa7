package dev.streamworks.iot;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class IotPropertiesTest {

    private static IotProperties bind(Map<String, Object> environmentVariables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        environmentVariables));
        return Binder.get(environment).bindOrCreate("streamworks.iot", IotProperties.class);
    }

    @Test
    void shouldDefaultToTheContract() {
        assertThat(bind(Map.of())).isEqualTo(IotProperties.defaults());
    }

    @Test
    void shouldReadEnvironmentVariablesNamedAsTheContractNamesThem() {
        IotProperties props = bind(Map.of("STREAMWORKS_IOT_OVERHEAT_THRESHOLD", "75.5",
                "STREAMWORKS_IOT_WINDOW_SIZE", "10m", "STREAMWORKS_IOT_EMIT", "update",
                "STREAMWORKS_IOT_TOPICS_TELEMETRY", "plant.telemetry"));

        assertThat(props.overheatThreshold()).isEqualTo(75.5);
        assertThat(props.windowSize()).isEqualTo(Duration.ofMinutes(10));
        assertThat(props.emit()).isEqualTo(IotProperties.Emit.UPDATE);
        assertThat(props.topics().telemetry()).isEqualTo("plant.telemetry");
    }
}
