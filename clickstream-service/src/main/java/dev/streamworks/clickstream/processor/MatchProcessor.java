package dev.streamworks.clickstream.processor;

import dev.streamworks.clickstream.ClickstreamProperties;
import dev.streamworks.clickstream.domain.ClickImpressionMatch;
import dev.streamworks.common.event.Click;
import dev.streamworks.common.event.Impression;
import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.serde.JsonSerde;
import dev.streamworks.common.serde.Parsed;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import java.time.Duration;
import java.util.Set;

/**
 * {@code click-impression-matches}: the stream-stream inner join of the course (Spark's
 * impressions/clicks example), per user: {@code impression_time <= click_time <= impression_time
 * + interval}. Each side is kept in a RocksDB window store (duplicates retained) and a new record
 * is matched against the other side's store, so each pair is emitted once, when its second
 * record arrives, in whatever order the two arrive.
 * <p>
 * Why not the DSL's {@code KStream#join}: {@code JoinWindows} has one grace for both sides and
 * drops late records silently, while the contract gives each side its own grace (the course's
 * per-input watermark delays) and routes late records to the late topic. Here, against the
 * task's stream time (shared by clicks and impressions of the partition): a click is late when
 * {@code click_time + click-grace <= stream time}, an impression when {@code impression_time +
 * impression-grace <= stream time}; a late record is neither matched nor kept, and goes to the
 * late topic once. State is kept only as long as a record that is not late can still match it:
 * impressions for interval + click grace, clicks for the impression grace.
 */
public final class MatchProcessor implements Processor<String, UserEvent, String, Object> {

    public static final String IMPRESSIONS_STORE = "join-impressions-store";
    public static final String CLICKS_STORE = "join-clicks-store";
    public static final String SINK = "click-impression-matches-sink";
    public static final String LATE_SINK = "click-impression-late-sink";

    private final ClickstreamProperties props;
    private final StreamworksMetrics metrics;
    private final long intervalMs;
    private final long clickGraceMs;
    private final long impressionGraceMs;
    private ProcessorContext<String, Object> context;
    private WindowStore<String, Impression> impressions;
    private WindowStore<String, Click> clicks;

    MatchProcessor(ClickstreamProperties props, StreamworksMetrics metrics) {
        this.props = props;
        this.metrics = metrics;
        this.intervalMs = props.matches().interval().toMillis();
        this.clickGraceMs = props.matches().clickGrace().toMillis();
        this.impressionGraceMs = props.matches().impressionGrace().toMillis();
    }

    public static ProcessorSupplier<String, UserEvent, String, Object> supplier(ClickstreamProperties props,
                                                                                StreamworksMetrics metrics) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, UserEvent, String, Object> get() {
                return new MatchProcessor(props, metrics);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                ClickstreamProperties.Matches join = props.matches();
                Duration impressionRetention = join.interval().plus(join.clickGrace());
                return Set.of(
                        Stores.windowStoreBuilder(Stores.persistentWindowStore(IMPRESSIONS_STORE, impressionRetention,
                                Duration.ofMillis(1), true), Serdes.String(), JsonSerde.of(Impression.class)),
                        Stores.windowStoreBuilder(Stores.persistentWindowStore(CLICKS_STORE,
                                max(join.impressionGrace(), Duration.ofMillis(1)), Duration.ofMillis(1), true),
                                Serdes.String(), JsonSerde.of(Click.class)));
            }
        };
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.impressions = context.getStateStore(IMPRESSIONS_STORE);
        this.clicks = context.getStateStore(CLICKS_STORE);
    }

    @Override
    public void process(Record<String, UserEvent> record) {
        long streamTime = context.currentStreamTimeMs();
        if (record.value() instanceof UserEvent.ClickEvent event) {
            onClick(record, event, streamTime);
        } else if (record.value() instanceof UserEvent.ImpressionEvent event) {
            onImpression(record, event, streamTime);
        }
    }

    private void onClick(Record<String, UserEvent> record, UserEvent.ClickEvent event, long streamTime) {
        Click click = event.click();
        long time = click.eventTime().toEpochMilli();
        if (time + clickGraceMs <= streamTime) {
            late(record, event.parsed(), time, streamTime);
            return;
        }
        try (WindowStoreIterator<Impression> shown = impressions.fetch(click.userId(), time - intervalMs, time)) {
            while (shown.hasNext()) {
                forward(shown.next().value, click);
            }
        }
        clicks.put(click.userId(), click, time);
    }

    private void onImpression(Record<String, UserEvent> record, UserEvent.ImpressionEvent event, long streamTime) {
        Impression impression = event.impression();
        long time = impression.eventTime().toEpochMilli();
        if (time + impressionGraceMs <= streamTime) {
            late(record, event.parsed(), time, streamTime);
            return;
        }
        try (WindowStoreIterator<Click> clicked = clicks.fetch(impression.userId(), time, time + intervalMs)) {
            while (clicked.hasNext()) {
                KeyValue<Long, Click> entry = clicked.next();
                forward(impression, entry.value);
            }
        }
        impressions.put(impression.userId(), impression, time);
    }

    private void late(Record<String, UserEvent> record, Parsed<?> parsed, long eventTime, long streamTime) {
        LateRouting.route(context, record.withValue(parsed), props.topics().matches(), eventTime, streamTime, LATE_SINK,
                metrics);
    }

    private void forward(Impression impression, Click click) {
        // the store ranges already select the interval; the domain rule states it once more
        if (!ClickImpressionMatch.matches(impression.impressionTime(), click.timestamp(), props.matches().interval())) {
            return;
        }
        ClickImpressionMatch match = ClickImpressionMatch.of(click.userId(), impression.impressionId(),
                impression.impressionTime(), click.eventId(), click.productId(), click.timestamp());
        context.forward(new Record<>(click.userId(), match, click.eventTime().toEpochMilli()), SINK);
    }
}
