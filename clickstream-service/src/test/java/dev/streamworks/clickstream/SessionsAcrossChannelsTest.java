package dev.streamworks.clickstream;

import dev.streamworks.clickstream.ClickstreamProperties.Output;
import dev.streamworks.clickstream.domain.UserActivity;
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
import java.util.Arrays;
import java.util.List;

import static dev.streamworks.clickstream.ClickstreamDriver.header;
import static dev.streamworks.common.testing.TestTimes.minutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * {@code user-sessions} with six partitions of {@code user-clicks}: the per-user task hears the six
 * channels of the clicks stage (only {@code user-sessions} is computed, so no impression is read and
 * the sessions' watermark is over the click channels), fed here straight into {@code clicks-by-user}
 * with the stamps the clicks stage writes, heartbeats included. That a user's clicks from one input
 * partition, interleaved in random ways with the other channels' records and heartbeats, give
 * identical sessions and late records is {@link ClickstreamInterleavingTest}'s. Each test is the
 * smallest case of what an input partition that was idle meets when it delivers again.
 */
class SessionsAcrossChannelsTest {

    private static final String CLICKS_BY_USER = ClickstreamDriver.APP + "-" + ClickstreamTopology.CLICKS_BY_USER
            + "-repartition";
    private static final int CHANNELS = 6;
    private static final Stage CLICKS = Stage.input(ClickstreamTopology.CLICKS_STAGE, "user-clicks");
    private static final UserEventSerde USER_EVENTS = new UserEventSerde(ClickstreamDriver.clickSerde(),
            ClickstreamDriver.impressionSerde());

    @TempDir
    Path stateDir;

    private ClickstreamProperties props;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> clicks;
    /** The stream time of each clicks input partition so far. */
    private long[] streamTime;

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
        click(0, "e1", minutes(0));
        // partition 0 goes idle, the others move on two hours: the watermark with them, the session closes
        idle(0, minutes(0).toEpochMilli());
        everyChannelBut(0, minutes(120).toEpochMilli());
        closeCheck();
        assertThat(sessions()).as("the session closed by the watermark")
                .containsExactly(new UserSession("u1", new Window(minutes(0), minutes(30)), 1, 0, 0.0));

        // the idle partition delivers again: its stream time is 20 minutes, the watermark two hours
        click(0, "e2", minutes(20));
        closeCheck();

        assertThat(sessions()).as("user-sessions: the closed session is never emitted again").isEmpty();
        assertThat(late()).as("the click that came back behind the watermark goes to clickstream.late")
                .containsExactly(tuple("user-sessions", "in-e2"));
    }

    /**
     * The same, with the watermark two and a half hours on when the idle partition comes back: the
     * closed session's forget time ({@code S.last + gap + retention}, 2 h retention), at which the
     * topology drops it, assuming no click that is not late could still join it. A click from the
     * partition that was idle can: e2 (13:20, read at 13:20) would join the session [13:00, 13:30) the
     * watermark closed, so it is late (docs/semantics.md sections 1 and 4); it must not start a new
     * session [13:20, 13:50) over the one already emitted.
     */
    @Test
    void aClickThatWouldJoinASessionTheWatermarkClosedAndForgotIsLateToo() {
        start();

        everyChannelAt(minutes(0).toEpochMilli());
        click(0, "e1", minutes(0));
        idle(0, minutes(0).toEpochMilli());
        everyChannelBut(0, minutes(150).toEpochMilli());
        closeCheck();
        assertThat(sessions()).as("the session closed by the watermark")
                .containsExactly(new UserSession("u1", new Window(minutes(0), minutes(30)), 1, 0, 0.0));

        click(0, "e2", minutes(20));
        closeCheck();

        assertThat(sessions()).as("user-sessions: no session over the one the watermark closed").isEmpty();
        assertThat(late()).as("the click that came back behind the watermark goes to clickstream.late")
                .containsExactly(tuple("user-sessions", "in-e2"));
    }

    private void start() {
        start(Output.USER_SESSIONS);
    }

    private void start(Output output) {
        close();
        props = ClickstreamProperties.defaults().withOutputs(output);
        StreamworksMetrics metrics = new StreamworksMetrics(new SimpleMeterRegistry(), TestTimes.CLOCK);
        driver = TopologyDriver.drive(TopologyDriver.settings(ClickstreamDriver.APP, StreamworksProperties.defaults(),
                        metrics, stateDir),
                builder -> new ClickstreamTopology(props, ClickstreamDriver.clickSerde(),
                        ClickstreamDriver.impressionSerde(), metrics,
                        TestEventTime.inputPartitions(CHANNELS, "user-clicks", "user-impressions"),
                        ClickstreamDriver.LATE).addTo(builder));
        clicks = driver.createInputTopic(CLICKS_BY_USER, new StringSerializer(), new ByteArraySerializer());
        streamTime = new long[CHANNELS];
        Arrays.fill(streamTime, Long.MIN_VALUE);
    }

    /** A heartbeat of every clicks channel, its partition's stream time at {@code at}. */
    private void everyChannelAt(long at) {
        everyChannelBut(-1, at);
    }

    /** A heartbeat of every clicks channel but {@code except}, its partition's stream time at {@code at}. */
    private void everyChannelBut(int except, long at) {
        for (int p = 0; p < CHANNELS; p++) {
            if (p != except) {
                streamTime[p] = Math.max(streamTime[p], at);
                pipe(null, "", null, Stamp.heartbeat(CLICKS.channel(p), streamTime[p], streamTime[p], false,
                        streamTime[p]), streamTime[p]);
            }
        }
    }

    /** The heartbeat of clicks channel {@code partition} once its input partition is idle. */
    private void idle(int partition, long at) {
        streamTime[partition] = Math.max(streamTime[partition], at);
        long pst = streamTime[partition];
        pipe(null, "", null, Stamp.heartbeat(CLICKS.channel(partition), pst, pst, true, pst), pst);
    }

    /**
     * A view of u1 read from input partition {@code partition}, as the clicks stage sends it: its
     * read watermark and the channel's watermark are the partition's stream time right after it.
     */
    private void click(int partition, String eventId, Instant at) {
        streamTime[partition] = Math.max(streamTime[partition], at.toEpochMilli());
        long pst = streamTime[partition];
        byte[] json = TestEvents.click(eventId, at, "u1", "view", "p1", 1.0, 1).getBytes(StandardCharsets.UTF_8);
        byte[] value = USER_EVENTS.serializer().serialize(CLICKS_BY_USER,
                UserEvent.click(new Parsed<>(ClickstreamDriver.clickSerde().parse(json), json)));
        pipe("in-" + eventId, "u1", value, Stamp.record(CLICKS.channel(partition), pst, pst, pst), at.toEpochMilli());
    }

    private void pipe(String originKey, String key, byte[] value, Stamp stamp, long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        TestStamps.write(stamp, headers);
        if (originKey != null) {
            headers.add(InternalHeaders.ORIGIN_KEY, originKey.getBytes(StandardCharsets.UTF_8));
        }
        clicks.pipeInput(new TestRecord<>(key, value, headers, Instant.ofEpochMilli(timestamp)));
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
