package dev.streamworks.clickstream;

import dev.streamworks.common.config.StreamworksProperties;
import dev.streamworks.common.event.Click;
import dev.streamworks.common.event.Impression;
import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.serde.EventSerde;
import dev.streamworks.common.serde.JsonSerde;
import dev.streamworks.common.testing.TestEventTime;
import dev.streamworks.common.testing.TestTimes;
import dev.streamworks.common.time.EventTime;
import dev.streamworks.common.time.EventTimeSettings;
import dev.streamworks.common.testing.TopologyDriver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static dev.streamworks.common.testing.TestTimes.T0;

/** The production topology in a {@link TopologyTestDriver}, with typed access to its topics. */
final class ClickstreamDriver implements AutoCloseable {

    static final String APP = "clickstream";
    static final String LATE = "clickstream.late";
    static final String DLQ = "clickstream.dlq";
    /** Kafka timestamp of every input: far from any event time, to prove event time is read from the payload. */
    static final Instant KAFKA_TIME = T0.minus(Duration.ofDays(30));

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final StreamworksMetrics metrics = new StreamworksMetrics(registry, TestTimes.CLOCK);
    final ClickstreamProperties props;
    final TopologyTestDriver driver;
    private final TestInputTopic<String, String> clicks;
    private final TestInputTopic<String, String> impressions;
    private final TestInputTopic<String, String> users;

    ClickstreamDriver(ClickstreamProperties props, Path stateDir) {
        this.props = props;
        driver = TopologyDriver.drive(TopologyDriver.settings(APP, StreamworksProperties.defaults(), metrics, stateDir),
                builder -> new ClickstreamTopology(props, clickSerde(), impressionSerde(), metrics, eventTime(), LATE)
                        .addTo(builder));
        clicks = input(props.topics().clicks());
        impressions = input(props.topics().impressions());
        users = input(props.topics().users());
    }

    /** The clicks' serde as the service configures it, on the tests' fixed clock. */
    static EventSerde<Click> clickSerde() {
        StreamworksProperties common = StreamworksProperties.defaults();
        return new EventSerde<>(Click.class, common.maxRecordBytesInt(), common.maxFutureSkew(), TestTimes.CLOCK);
    }

    static EventSerde<Impression> impressionSerde() {
        StreamworksProperties common = StreamworksProperties.defaults();
        return new EventSerde<>(Impression.class, common.maxRecordBytesInt(), common.maxFutureSkew(), TestTimes.CLOCK);
    }

    private TestInputTopic<String, String> input(String topic) {
        return driver.createInputTopic(topic, new StringSerializer(), new StringSerializer());
    }

    TestOutputTopic<String, String> output(String topic) {
        return driver.createOutputTopic(topic, new StringDeserializer(), new StringDeserializer());
    }

    /** A click with a price and quantity; the record key and Kafka timestamp are deliberately wrong. */
    void click(String eventId, Instant at, String user, String type, String product, double price, int quantity) {
        clicks.pipeInput("untrusted-key", clickJson(eventId, at, user, type, product, price, quantity), KAFKA_TIME);
    }

    /** A view of {@code product} by {@code user}, without price or quantity. */
    void view(String eventId, Instant at, String user, String product) {
        clicks.pipeInput("untrusted-key", String.format(Locale.ROOT, "{\"event_id\":\"%s\",\"timestamp\":\"%s\","
                + "\"user_id\":\"%s\",\"event_type\":\"view\",\"product_id\":\"%s\"}", eventId, at, user, product),
                KAFKA_TIME);
    }

    void rawClick(String key, String value) {
        clicks.pipeInput(key, value, KAFKA_TIME);
    }

    void impression(String impressionId, Instant at, String user, String product) {
        impressions.pipeInput("untrusted-key", dev.streamworks.common.testing.TestEvents.impression(impressionId, at,
                user, product), KAFKA_TIME);
    }

    void rawImpression(String key, String value) {
        impressions.pipeInput(key, value, KAFKA_TIME);
    }

    void user(String userId, String segment) {
        users.pipeInput(userId, "{\"user_id\":\"" + userId + "\",\"user_segment\":\"" + segment + "\",\"name\":\"x\"}",
                KAFKA_TIME);
    }

    void deleteUser(String userId) {
        users.pipeInput(userId, null, KAFKA_TIME);
    }

    static String clickJson(String eventId, Instant at, String user, String type, String product, double price,
                            int quantity) {
        return dev.streamworks.common.testing.TestEvents.click(eventId, at, user, type, product, price, quantity);
    }

    <T> List<T> values(String topic, Class<T> type) {
        return output(topic).readValuesToList().stream().map(json -> read(json, type)).toList();
    }

    /**
     * The last value of each key in what {@code topic} received since it was last read: what a
     * consumer of an update-mode output keeps (one record per key per commit, the latest value).
     */
    <T> Map<String, T> lastPerKey(String topic, Class<T> type) {
        Map<String, T> last = new TreeMap<>();
        output(topic).readKeyValuesToList().forEach(record -> last.put(record.key, read(record.value, type)));
        return last;
    }

    static <T> T read(String json, Class<T> type) {
        return JsonSerde.of(type).deserializer().deserialize("test", json.getBytes(StandardCharsets.UTF_8));
    }

    List<TestRecord<String, String>> late() {
        return output(LATE).readRecordsToList();
    }

    static String header(Headers headers, String name) {
        return headers.lastHeader(name) == null ? null
                : new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        driver.close();
    }

    /**
     * Lets the wall clock pass the idle timeout with no impression read: the impressions partition
     * is idle and stops holding the per-user watermark back (docs/semantics.md), as it would
     * after 30 quiet seconds in a running service.
     */
    void impressionsIdle() {
        driver.advanceWallClockTime(EventTimeSettings.defaults().idleTimeout().plusSeconds(1));
    }

    /** Event time of the topology under TopologyTestDriver: one partition per topic. */
    static EventTime eventTime() {
        return TestEventTime.onePartition("user-clicks", "user-impressions");
    }
}
