package dev.streamworks.common.config;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.ResourcePropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Adds {@code streamworks-defaults.properties} (the operations settings every service shares:
 * exposed endpoints, probe groups, metric tags) as the property source of lowest precedence, so
 * each service's own configuration and the environment still override any of it.
 */
public class StreamworksDefaults implements EnvironmentPostProcessor {

    static final String SOURCE = "streamworks-defaults.properties";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.getPropertySources().contains(SOURCE)) {
            return;
        }
        try {
            environment.getPropertySources().addLast(new ResourcePropertySource(SOURCE, new ClassPathResource(SOURCE)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
