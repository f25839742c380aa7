package dev.streamworks.common.streams;

import dev.streamworks.common.config.StreamworksProperties;
import dev.streamworks.common.serde.BinaryCodec;
import dev.streamworks.common.serde.BinaryReader;
import dev.streamworks.common.serde.BinaryWriter;
import dev.streamworks.common.serde.Parsed;
import dev.streamworks.common.serde.RepartitionSerde;
import dev.streamworks.common.testing.TopologyDriver;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Records that fail after deserialization go to the dead-letter topic too, and are counted. */
class DeadLetterHandlersTest {

    @TempDir
    Path stateDir;

    private final List<String> stages = new ArrayList<>();
    private TopologyTestDriver driver;

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void shouldSendARecordAProcessorFailsOnToTheDeadLetterTopicAndCarryOn() {
        driver = TopologyDriver.drive(TopologyDriver.settings("app", StreamworksProperties.defaults(),
                (stage, error) -> stages.add(stage), stateDir), builder -> builder
                .stream("in", Consumed.with(Serdes.String(), Serdes.String()).withName("in-source"))
                .mapValues(value -> {
                    if (value.contains("boom")) {
                        throw new IllegalStateException("cannot process " + value);
                    }
                    return value.toUpperCase();
                }, Named.as("upper"))
                .to("out", Produced.with(Serdes.String(), Serdes.String()).withName("out-sink")));
        TestInputTopic<String, String> in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());

        in.pipeInput("k1", "a");
        in.pipeInput("k2", "boom");
        in.pipeInput("k3", "b");

        assertThat(output("out").readValuesToList()).containsExactly("A", "B");
        TestRecord<String, String> dead = output("app.dlq").readRecord();
        assertThat(dead.key()).isEqualTo("k2");
        assertThat(dead.value()).isEqualTo("boom");
        assertThat(header(dead, "__streams.errors.exception")).isEqualTo(IllegalStateException.class.getName());
        assertThat(header(dead, "__streams.errors.message")).isEqualTo("cannot process boom");
        assertThat(header(dead, "__streams.errors.offset")).isEqualTo("1");
        assertThat(stages).containsExactly("processing");
    }

    @Test
    void shouldSendTheSourceRecordOfAResultThatCannotBeWrittenToTheDeadLetterTopicAndCarryOn() {
        Serializer<String> failing = (topic, value) -> {
            if (value.equals("unwritable")) {
                throw new SerializationException("cannot write " + value);
            }
            return value.getBytes(StandardCharsets.UTF_8);
        };
        Serde<String> outputSerde = Serdes.serdeFrom(failing, new StringDeserializer());
        driver = TopologyDriver.drive(TopologyDriver.settings("app", StreamworksProperties.defaults(),
                (stage, error) -> stages.add(stage), stateDir), builder -> builder
                .stream("in", Consumed.with(Serdes.String(), Serdes.String()).withName("in-source"))
                .to("out", Produced.with(Serdes.String(), outputSerde).withName("out-sink")));
        TestInputTopic<String, String> in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());

        in.pipeInput("k1", "a");
        in.pipeInput("k2", "unwritable");
        in.pipeInput("k3", "b");

        assertThat(output("out").readValuesToList()).containsExactly("a", "b");
        assertThat(output("app.dlq").readRecord().value()).isEqualTo("unwritable");
        assertThat(stages).containsExactly("production");
    }

    @Test
    void shouldSendARecordThatFailsAfterARepartitionAsTheInputItWasNotInTheInternalForm() {
        BinaryCodec<String> codec = new BinaryCodec<>() {
            @Override
            public void write(String value, BinaryWriter out) {
                out.writeString(value);
            }

            @Override
            public String read(BinaryReader in) {
                return in.readString();
            }
        };
        RepartitionSerde<String> carried = new RepartitionSerde<>(codec,
                data -> new Parsed<>(new String(data, StandardCharsets.UTF_8), data));
        driver = TopologyDriver.drive(TopologyDriver.settings("app", StreamworksProperties.defaults(),
                (stage, error) -> stages.add(stage), stateDir), builder -> builder
                .stream("in", Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("in-source"))
                .mapValues(bytes -> new Parsed<>(new String(bytes, StandardCharsets.UTF_8).trim(), bytes),
                        Named.as("parse"))
                .repartition(Repartitioned.with(Serdes.String(), carried).withName("by-key"))
                .mapValues(parsed -> {
                    if (parsed.value().equals("boom")) {
                        throw new IllegalStateException("cannot process " + parsed.value());
                    }
                    return parsed.value().toUpperCase();
                }, Named.as("upper"))
                .to("out", Produced.with(Serdes.String(), Serdes.String()).withName("out-sink")));
        TestInputTopic<String, String> in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());

        in.pipeInput("k1", " a ");
        in.pipeInput("k2", " boom ");
        in.pipeInput("k3", " b ");

        assertThat(output("out").readValuesToList()).containsExactly("A", "B");
        TestRecord<String, String> dead = output("app.dlq").readRecord();
        assertThat(dead.value()).isEqualTo(" boom ");
        assertThat(header(dead, "__streams.errors.topic")).isEqualTo("app-by-key-repartition");
        assertThat(stages).containsExactly("processing");
    }

    private TestOutputTopic<String, String> output(String topic) {
        return driver.createOutputTopic(topic, new StringDeserializer(), new StringDeserializer());
    }

    private static String header(TestRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
