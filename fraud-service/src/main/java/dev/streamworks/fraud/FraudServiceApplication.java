package dev.streamworks.fraud;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

@SpringBootApplication
public class FraudServiceApplication {

    /** The service's own configuration file, so several services can share one class path (devstack). */
    public static final String CONFIG_NAME = "fraud-service";

    public static void main(String[] args) {
        application().run(args);
    }

    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(FraudServiceApplication.class)
                .properties("spring.config.name=" + CONFIG_NAME);
    }
}
