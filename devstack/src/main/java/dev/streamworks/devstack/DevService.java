package dev.streamworks.devstack;

import org.springframework.boot.builder.SpringApplicationBuilder;

import java.util.List;
import java.util.function.Supplier;

/**
 * A service the devstack runs in its JVM, and what the console shows of it.
 *
 * @param name        the service's name ({@code iot-alerts-service})
 * @param applicationId its Kafka Streams application id: {@code <id>.dlq}, {@code <id>.late}
 * @param port        its HTTP port
 * @param application builds the Spring application as the service's {@code main} does
 * @param outputs     output topics to count, with the label the console gives them
 */
record DevService(String name, String applicationId, int port, Supplier<SpringApplicationBuilder> application,
                  List<Output> outputs) {

    record Output(String topic, String label) {
    }

    String deadLetterTopic() {
        return applicationId + ".dlq";
    }

    String lateTopic() {
        return applicationId + ".late";
    }
}
