package dev.streamworks.clickstream;

import dev.streamworks.clickstream.ClickstreamProperties.Output;
import dev.streamworks.clickstream.domain.UserSession;
import dev.streamworks.clickstream.processor.UserEvent;
import dev.streamworks.clickstream.processor.UserEventSerde;
import dev.streamworks.common.config.StreamworksProperties;
import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.serde.Parsed;
import dev.streamworks.common.streams.LateRecords;
import dev.streamworks.common.streams.Window;
import dev.streamworks.common.testing.TestEventTime;
import dev.streamworks.common.testing.TestEvents;
import dev.streamworks.common.testing.TestTimes;
import dev.streamworks.common.testing.TopologyDriver;
import dev.streamworks.common.time.EventTimeSettings;
import dev.streamworks.common.time.InternalHeaders;
import dev.streamworks.common.time.Clock;
import dev.streamworks.common.time.Stage;
import dev.streamworks.common.time.Stamp;
import dev.streamworks.common.time.TestStamps;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static dev.streamworks.clickstream.ClickstreamDriver.header;
import static dev.streamworks.common.testing.TestTimes.minutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * {@code user-sessions} with six partitions: the per-user task hears six dedup channels (relaying the
 * clicks, which are repartitioned by {@code event_id} before {@code user_id}) and six impressions
 * channels, fed here straight into the per-user repartition topics with the stamps their senders
 * write. Each test is the smallest case of a rule the topology breaks (see each test).
 */
class SessionsAcrossChannelsTest {

    private static final String CLICKS_BY_USER = ClickstreamDriver.APP + "-" + ClickstreamTopology.CLICKS_BY_USER
            + "-repartition";
    private static final String IMPRESSIONS_BY_USER = ClickstreamDriver.APP + "-"
            + ClickstreamTopology.IMPRESSIONS_BY_USER + "-repartition";
    private static final int CHANNELS = 6;
    private static final Stage DEDUP = Stage.relay(ClickstreamTopology.USER_STAGE,
            Clock.of(ClickstreamTopology.USER_CLOCK, Stage.input(ClickstreamTopology.CLICKS_STAGE, "user-clicks")));
    private static final Stage IMPRESSIONS = Stage.input(ClickstreamTopology.IMPRESSIONS_STAGE, "user-impressions");
    private static final UserEventSerde USER_EVENTS = new UserEventSerde(ClickstreamDriver.clickSerde(),
            ClickstreamDriver.impressionSerde());

    @TempDir
    Path stateDir;

    private ClickstreamProperties props;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> clicks;
    private TestInputTopic<String, byte[]> impressions;

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
            driver = null;
        }
    }

    /**
     * docs/semantics.md section 1, "the one exception": an input partition that was idle delivers
     * again, behind a watermark that moved on without it. Its click is not late by its read
     * watermark, but the session it would join has already closed and been emitted: it must go to
     * {@code clickstream.late} like a late one, and the emitted session must stay the only record of
     * that session.
     */
    @Test
    void aClickThatWouldJoinASessionTheWatermarkClosedIsLateAndTheSessionIsEmittedOnce() {
        start();

        everyChannelAt(minutes(0).toEpochMilli());
        click(0, "e1", minutes(0), minutes(0).toEpochMilli(), minutes(0).toEpochMilli());
        // the watermark moves on two hours (the click's input partition idle): the session closes
        everyChannelAt(minutes(120).toEpochMilli());
        closeCheck();
        assertThat(sessions()).as("the session closed by the watermark")
                .containsExactly(new UserSession("u1", new Window(minutes(0), minutes(30)), 1, 0, 0.0));

        // the idle partition delivers again: its stream time is 20 minutes, the relay's watermark two hours
        click(0, "e2", minutes(20), minutes(20).toEpochMilli(), minutes(120).toEpochMilli());
        closeCheck();

        assertThat(sessions()).as("user-sessions: the closed session is never emitted again").isEmpty();
        assertThat(late()).as("the click that came back behind the watermark goes to clickstream.late")
                .containsExactly(tuple("user-sessions", "in-e2"));
    }

    /**
     * The goal (identical outputs whatever the interleaving) for {@code user-sessions} with six
     * partitions. Two clicks of u1, read in this order from one input partition: e1 at 13:00 (read at
     * 13:00) and e2 at 13:20 (read at 13:45, the partition being there by then). Clicks go to the dedup
     * tasks by {@code event_id}, so e1 and e2 reach the per-user task through two dedup channels, in
     * either order. e2 first: it starts a session that e1 joins (e1 is read at 13:00, long before that
     * session's 14:00 close). e1 first: e2 would join e1's session, which closes at 13:40 <= 13:45, so e2
     * is late. Which of the two the output holds depends on the interleaving.
     */
    @Test
    void aUsersSessionsDoNotDependOnTheOrderTheDedupChannelsDeliverItsClicksIn() {
        List<Object> e1First = twoClicksThroughTwoDedupChannels(true);
        List<Object> e2First = twoClicksThroughTwoDedupChannels(false);

        assertThat(e2First).as("user-sessions and clickstream.late, e2 delivered first vs e1 first")
                .isEqualTo(e1First);
    }

    /** The sessions and late records of the two clicks, e1's channel delivering first or second. */
    private List<Object> twoClicksThroughTwoDedupChannels(boolean e1First) {
        start();
        everyChannelAt(minutes(0).toEpochMilli());
        Runnable e1 = () -> click(0, "e1", minutes(0), minutes(0).toEpochMilli(), minutes(0).toEpochMilli());
        Runnable e2 = () -> click(1, "e2", minutes(20), minutes(45).toEpochMilli(), minutes(0).toEpochMilli());
        (e1First ? e1 : e2).run();
        (e1First ? e2 : e1).run();
        everyChannelAt(minutes(180).toEpochMilli());
        closeCheck();
        return List.of(sessions(), late());
    }

    private void start() {
        close();
        props = ClickstreamProperties.defaults().withOutputs(Output.USER_SESSIONS);
        StreamworksMetrics metrics = new StreamworksMetrics(new SimpleMeterRegistry(), TestTimes.CLOCK);
        driver = TopologyDriver.drive(TopologyDriver.settings(ClickstreamDriver.APP, StreamworksProperties.defaults(),
                        metrics, stateDir),
                builder -> new ClickstreamTopology(props, ClickstreamDriver.clickSerde(),
                        ClickstreamDriver.impressionSerde(), metrics,
                        TestEventTime.partitions(CHANNELS, "user-clicks", "user-impressions"), ClickstreamDriver.LATE)
                        .addTo(builder));
        clicks = driver.createInputTopic(CLICKS_BY_USER, new StringSerializer(), new ByteArraySerializer());
        impressions = driver.createInputTopic(IMPRESSIONS_BY_USER, new StringSerializer(), new ByteArraySerializer());
    }

    /** A heartbeat of every channel of both stages at {@code wm}. */
    private void everyChannelAt(long wm) {
        for (int p = 0; p < CHANNELS; p++) {
            pipe(clicks, null, "", null, Stamp.heartbeat(DEDUP.channel(p), wm, wm, false, wm), wm);
            pipe(impressions, null, "", null, Stamp.heartbeat(IMPRESSIONS.channel(p), wm, wm, false, wm), wm);
        }
    }

    /** A click of user u1 relayed by dedup channel {@code channel} with its read watermark and the relay's watermark. */
    private void click(int channel, String eventId, Instant at, long rwm, long wm) {
        byte[] json = TestEvents.click(eventId, at, "u1", "view", "p1", 1.0, 1).getBytes(StandardCharsets.UTF_8);
        byte[] value = USER_EVENTS.serializer().serialize(CLICKS_BY_USER,
                UserEvent.click(new Parsed<>(ClickstreamDriver.clickSerde().parse(json), json)));
        pipe(clicks, "in-" + eventId, "u1", value, Stamp.record(DEDUP.channel(channel), rwm, wm, wm), at.toEpochMilli());
    }

    private void pipe(TestInputTopic<String, byte[]> topic, String originKey, String key, byte[] value, Stamp stamp,
                      long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        TestStamps.write(stamp, headers);
        if (originKey != null) {
            headers.add(InternalHeaders.ORIGIN_KEY, originKey.getBytes(StandardCharsets.UTF_8));
        }
        topic.pipeInput(new TestRecord<>(key, value, headers, Instant.ofEpochMilli(timestamp)));
    }

    /** One close check of the wall clock (100 ms: less than a sender's wall-clock heartbeat). */
    private void closeCheck() {
        driver.advanceWallClockTime(EventTimeSettings.defaults().closeCheck());
    }

    /** (x-late-reason, key) of each record of {@code clickstream.late} so far. */
    private List<org.assertj.core.groups.Tuple> late() {
        return driver.createOutputTopic(ClickstreamDriver.LATE, new StringDeserializer(), new StringDeserializer())
                .readRecordsToList().stream()
                .map(record -> tuple(header(record.headers(), LateRecords.REASON_HEADER), record.key())).toList();
    }

    private List<UserSession> sessions() {
        return driver.createOutputTopic(props.topics().userSessions(), new StringDeserializer(), new StringDeserializer())
                .readValuesToList().stream().map(json -> ClickstreamDriver.read(json, UserSession.class)).toList();
    }
}
