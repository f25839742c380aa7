package dev.streamworks.devstack;

import org.apache.kafka.clients.producer.ProducerRecord;

/** One pipeline's generated input: the next record to send, as a producer of that input would. */
public interface Traffic {

    /** A short name for the console ({@code iot}, {@code clicks} ...). */
    String name();

    ProducerRecord<String, String> next();
}
