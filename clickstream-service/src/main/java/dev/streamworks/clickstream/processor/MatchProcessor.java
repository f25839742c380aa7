package dev.streamworks.clickstream.processor;

import dev.streamworks.clickstream.ClickstreamProperties;
import dev.streamworks.clickstream.domain.ClickImpressionMatch;
import dev.streamworks.common.event.Click;
import dev.streamworks.common.event.Impression;
import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.serde.Parsed;
import dev.streamworks.common.streams.LateRecords;
import dev.streamworks.common.time.Clock;
import dev.streamworks.common.time.EventTime;
import dev.streamworks.common.time.Stamp;
import dev.streamworks.common.time.Watermark;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;

import java.util.Set;

/**
 * {@code click-impression-matches}: the stream-stream inner join of the course (Spark's
 * impressions/clicks example), per user: {@code impression_time <= click_time <= impression_time
 * + interval} (docs/semantics.md section 4). Each side is kept in a key-value store ordered by time
 * slot, user and event time, and a new record is matched against the other side's, so each pair is
 * emitted once, when its second record arrives, in whatever order the two arrive.
 * <p>
 * Lateness, per side and by the record's read watermark: a click is late when {@code click_time +
 * click-grace <= rwm}, an impression when {@code impression_time + impression-grace <= rwm}; a late
 * record is neither matched nor kept, and goes to the late topic once. State is kept as long as a
 * record that is not late can still match it, by the watermark: impressions until {@code
 * impression_time + interval + click-grace}, clicks until {@code click_time + impression-grace}, each
 * rounded up to the end of its time slot ({@link MatchState} shows that the rounding changes no
 * pair). So the pairs emitted are every pair of records that are not late, whatever the interleaving.
 * Why not the DSL's {@code KStream#join}: one grace for both sides, late records dropped silently,
 * and the join window's store expires by its own clock.
 */
public final class MatchProcessor implements Processor<String, UserEvent, String, Object> {

    /**
     * The stores of each side. Renamed with their layout (time slot first, no expiry index): an
     * upgraded instance never reads the earlier {@code match-impressions-store} and
     * {@code match-clicks-store} (and their {@code -expiry-store}), and starts the join empty.
     */
    public static final String IMPRESSIONS_STORE = "match-impressions-by-slot-store";
    public static final String CLICKS_STORE = "match-clicks-by-slot-store";
    public static final String SINK = "click-impression-matches-sink";
    public static final String LATE_SINK = "click-impression-late-sink";

    private final ClickstreamProperties props;
    private final StreamworksMetrics metrics;
    private final EventTime eventTime;
    private final Clock clock;
    private Watermark watermark;
    private ProcessorContext<String, Object> context;
    private MatchState state;

    MatchProcessor(ClickstreamProperties props, StreamworksMetrics metrics, EventTime eventTime, Clock clock) {
        this.props = props;
        this.metrics = metrics;
        this.eventTime = eventTime;
        this.clock = clock;
    }

    public static ProcessorSupplier<String, UserEvent, String, Object> supplier(ClickstreamProperties props,
                                                                                StreamworksMetrics metrics,
                                                                                EventTime eventTime,
                                                                                Clock clock) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, UserEvent, String, Object> get() {
                return new MatchProcessor(props, metrics, eventTime, clock);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(MatchState.impressionsStore(), MatchState.clicksStore());
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.state = new MatchState(props.matches(), context.getStateStore(IMPRESSIONS_STORE),
                context.getStateStore(CLICKS_STORE));
        this.watermark = eventTime.watermark(context, clock);
        context.schedule(eventTime.settings().closeCheck(), PunctuationType.WALL_CLOCK_TIME, now -> evict());
    }

    @Override
    public void process(Record<String, UserEvent> record) {
        evict();
        long rwm = Stamp.rwmOf(record.headers(), record.timestamp());
        // a unique suffix per record of this task's partition: two equal impressions are two records
        long offset = context.recordMetadata().map(metadata -> metadata.offset()).orElse(-1L);
        if (record.value() instanceof UserEvent.ClickEvent event) {
            Click click = event.click();
            if (!state.click(click, rwm, offset, impression -> forward(impression, click))) {
                late(record, event.parsed(), click.eventTime().toEpochMilli(), rwm);
            }
        } else if (record.value() instanceof UserEvent.ImpressionEvent event) {
            Impression impression = event.impression();
            if (!state.impression(impression, rwm, offset, click -> forward(impression, click))) {
                late(record, event.parsed(), impression.eventTime().toEpochMilli(), rwm);
            }
        }
    }

    private void evict() {
        state.evict(watermark.get());
    }

    private void late(Record<String, UserEvent> record, Parsed<?> parsed, long eventTimeMs, long rwm) {
        String output = props.topics().matches();
        context.forward(LateRecords.forOutput(record.withValue(parsed), output, eventTimeMs, rwm), LATE_SINK);
        metrics.late(output);
    }

    private void forward(Impression impression, Click click) {
        ClickImpressionMatch match = ClickImpressionMatch.of(click.userId(), impression.impressionId(),
                impression.impressionTime(), click.eventId(), click.productId(), click.timestamp());
        context.forward(new Record<>(click.userId(), match, click.eventTime().toEpochMilli()), SINK);
    }
}
