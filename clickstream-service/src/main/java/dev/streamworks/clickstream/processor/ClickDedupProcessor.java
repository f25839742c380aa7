package dev.streamworks.clickstream.processor;

import dev.streamworks.common.event.Click;
import dev.streamworks.common.time.Clock;
import dev.streamworks.common.time.EventTime;
import dev.streamworks.common.time.Stamp;
import dev.streamworks.common.time.Watermark;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;

import java.time.Duration;
import java.util.Set;

/**
 * Drops repeated {@code event_id}s within {@code dedup-window} (docs/semantics.md section 4; Spark's
 * {@code dropDuplicatesWithinWatermark}): a click is a duplicate when the latest counted click with
 * its {@code event_id} has an event time less than the window apart and was read less than the window
 * before it, in the stream time of their input partitions ({@code rwm}). Both conditions depend on the
 * input alone, so a backlog, live traffic and a restart drop the same clicks. It runs in the per-user
 * task: a duplicate is a copy of an event, with its {@code user_id}, so every copy of an id meets
 * the same store, and a user's clicks keep their input order on the way (impressions pass through).
 * <p>
 * State: per user and id the counted copy's event time and read watermark, in one key-value store
 * ordered by time slots of the read watermark ({@link DedupIds}); the watermark deletes a slot whole
 * once no click still to come can be a duplicate of a copy in it, so never before the watermark
 * reaches a copy's {@code rwm + window}. The store is compacted and cleared by tombstones.
 * <p>
 * Late clicks are not dropped here: the outputs without a window count every valid record, late or
 * not, and the windowed ones route late records to the late topic.
 */
public final class ClickDedupProcessor implements Processor<String, UserEvent, String, UserEvent> {

    /** Renamed with its layout (ids by time slot): an upgraded instance never reads the old one. */
    public static final String STORE = "dedup-ids-store";
    public static final String DUPLICATES = "streamworks.clickstream.duplicates";

    private final long windowMs;
    private final EventTime eventTime;
    private final Clock clock;
    private final Counter duplicates;
    private Watermark watermark;
    private ProcessorContext<String, UserEvent> context;
    private DedupIds ids;

    ClickDedupProcessor(Duration window, EventTime eventTime, Clock clock, MeterRegistry registry) {
        this.windowMs = window.toMillis();
        this.eventTime = eventTime;
        this.clock = clock;
        this.duplicates = Counter.builder(DUPLICATES).description("Clicks dropped as a repeated event_id")
                .register(registry);
    }

    /** @param clock the watermark of the clicks' channels, by which ids are forgotten */
    public static ProcessorSupplier<String, UserEvent, String, UserEvent> supplier(Duration window, EventTime eventTime,
                                                                                  Clock clock, MeterRegistry registry) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, UserEvent, String, UserEvent> get() {
                return new ClickDedupProcessor(window, eventTime, clock, registry);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(DedupIds.storeBuilder(STORE));
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, UserEvent> context) {
        this.context = context;
        this.ids = new DedupIds(context.getStateStore(STORE), windowMs);
        this.watermark = eventTime.watermark(context, clock);
        context.schedule(eventTime.settings().closeCheck(), PunctuationType.WALL_CLOCK_TIME, now -> evict());
    }

    @Override
    public void process(Record<String, UserEvent> record) {
        evict();
        if (!(record.value() instanceof UserEvent.ClickEvent event)) {
            context.forward(record);
            return;
        }
        Click click = event.click();
        long rwm = Stamp.rwmOf(record.headers(), record.timestamp());
        if (!ids.admit(copyKey(click), click.eventTime().toEpochMilli(), rwm)) {
            duplicates.increment();
            return;
        }
        context.forward(record);
    }

    /**
     * The key of an event's copies: its user and {@code event_id} (docs/semantics.md section 4: a
     * copy of an event has its user; one id with two users is two events, which may share this
     * task).
     */
    static String copyKey(Click click) {
        return click.userId() + '\u0000' + click.eventId();
    }

    private void evict() {
        ids.evict(watermark.get());
    }
}
