package dev.streamworks.common.ops;

import dev.streamworks.common.streams.DeadLetterListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The meters every service exports (docs/endpoints.md): records in, late records, dead
 * letters and the event lateness histogram, plus the figures {@code /actuator/progress} reads.
 * Meters are looked up once and cached: these calls sit on the per-record path.
 */
public final class StreamworksMetrics implements DeadLetterListener {

    public static final String RECORDS_IN = "streamworks.records.in";
    public static final String LATE_RECORDS = "streamworks.late.records";
    public static final String DLQ_RECORDS = "streamworks.dlq.records";
    public static final String EVENT_LATENESS = "streamworks.event.lateness";

    private final MeterRegistry registry;
    private final Clock clock;
    private final Timer lateness;
    private final Map<String, Counter> inByTopic = new ConcurrentHashMap<>();
    private final Map<String, Counter> lateByOutput = new ConcurrentHashMap<>();
    private final Map<String, Counter> deadByStage = new ConcurrentHashMap<>();
    private final AtomicLong recordsIn = new AtomicLong();
    private final AtomicLong lateRecords = new AtomicLong();
    private final AtomicLong deadLetters = new AtomicLong();
    private final AtomicLong maxEventTime = new AtomicLong(Long.MIN_VALUE);

    public StreamworksMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        this.lateness = Timer.builder(EVENT_LATENESS)
                .description("Arrival wall-clock time minus event time of valid input records")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofHours(2))
                .register(registry);
        // the dead-letter counter exists from the start, so a dashboard shows 0 rather than nothing
        deadLetterCounter("deserialization");
    }

    /**
     * Registers the per-topic and per-output counters before the first record, so a scrape shows
     * 0 rather than nothing.
     */
    public void declare(List<String> inputs, List<String> outputs) {
        inputs.forEach(this::inCounter);
        outputs.forEach(this::lateCounter);
    }

    /** A valid input record entered the topology; {@code eventTimeMs} is its event time. */
    public void recordIn(String topic, long eventTimeMs) {
        inCounter(topic).increment();
        recordsIn.incrementAndGet();
        maxEventTime.accumulateAndGet(eventTimeMs, Math::max);
        long late = clock.millis() - eventTimeMs;
        if (late >= 0) {
            lateness.record(late, TimeUnit.MILLISECONDS);
        }
    }

    /** A record was too late for {@code output}'s window and went to the late topic. */
    public void late(String output) {
        lateCounter(output).increment();
        lateRecords.incrementAndGet();
    }

    private Counter inCounter(String topic) {
        return inByTopic.computeIfAbsent(topic, t -> Counter.builder(RECORDS_IN)
                .description("Valid input records processed").tag("topic", t).register(registry));
    }

    private Counter lateCounter(String output) {
        return lateByOutput.computeIfAbsent(output, o -> Counter.builder(LATE_RECORDS)
                .description("Records routed to the late topic, per output that could not count them")
                .tag("output", o).register(registry));
    }

    @Override
    public void onDeadLetter(String stage, Exception error) {
        deadLetterCounter(stage).increment();
        deadLetters.incrementAndGet();
    }

    private Counter deadLetterCounter(String stage) {
        return deadByStage.computeIfAbsent(stage, s -> Counter.builder(DLQ_RECORDS)
                .description("Records routed to the dead-letter topic").tag("stage", s).register(registry));
    }

    public long recordsIn() {
        return recordsIn.get();
    }

    public long lateRecords() {
        return lateRecords.get();
    }

    /** Records routed to the late topic so far, per output that could not count them. */
    public Map<String, Long> lateByOutput() {
        Map<String, Long> byOutput = new java.util.TreeMap<>();
        lateByOutput.forEach((output, counter) -> byOutput.put(output, (long) counter.count()));
        return byOutput;
    }

    public long deadLetters() {
        return deadLetters.get();
    }

    /** The largest event time seen, or {@link Long#MIN_VALUE} before the first record. */
    public long maxEventTime() {
        return maxEventTime.get();
    }

    public MeterRegistry registry() {
        return registry;
    }

    public Clock clock() {
        return clock;
    }
}
