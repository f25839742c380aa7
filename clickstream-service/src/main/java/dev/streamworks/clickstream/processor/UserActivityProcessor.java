package dev.streamworks.clickstream.processor;

import dev.streamworks.clickstream.ClickstreamProperties;
import dev.streamworks.clickstream.ClickstreamProperties.Output;
import dev.streamworks.clickstream.domain.ActivityAnomaly;
import dev.streamworks.clickstream.domain.MinuteActivity;
import dev.streamworks.clickstream.domain.UserActivity;
import dev.streamworks.common.event.Click;
import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.serde.JsonSerde;
import dev.streamworks.common.serde.Parsed;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

import java.util.HashSet;
import java.util.Set;

/**
 * Per user, from the user's clicks (impressions are ignored here):
 * <ul>
 *   <li>{@code user-activity}: running totals, every click counted, late or not.</li>
 *   <li>{@code activity-anomalies}: events per tumbling window; one record per user-window, at
 *       the click that first takes the count above {@code anomaly-threshold}, never again for
 *       that window. A click whose window has closed goes to the late topic once.</li>
 * </ul>
 */
public final class UserActivityProcessor implements Processor<String, UserEvent, String, Object> {

    public static final String ACTIVITY_STORE = "user-activity-store";
    public static final String MINUTES_STORE = "user-minute-activity-store";
    public static final String ACTIVITY_SINK = "user-activity-sink";
    public static final String ANOMALY_SINK = "activity-anomalies-sink";
    public static final String LATE_SINK = "user-activity-late-sink";

    private final ClickstreamProperties props;
    private final StreamworksMetrics metrics;
    private final WindowSlots slots;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, UserActivity> activity;
    private WindowStore<String, MinuteActivity> minutes;

    UserActivityProcessor(ClickstreamProperties props, StreamworksMetrics metrics) {
        this.props = props;
        this.metrics = metrics;
        this.slots = new WindowSlots(props.activityAnomalies());
    }

    public static ProcessorSupplier<String, UserEvent, String, Object> supplier(ClickstreamProperties props,
                                                                                StreamworksMetrics metrics) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, UserEvent, String, Object> get() {
                return new UserActivityProcessor(props, metrics);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                ClickstreamProperties.ActivityAnomalies window = props.activityAnomalies();
                Set<StoreBuilder<?>> stores = new HashSet<>();
                if (props.computes(Output.USER_ACTIVITY)) {
                    stores.add(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ACTIVITY_STORE),
                            Serdes.String(), JsonSerde.of(UserActivity.class)));
                }
                if (props.computes(Output.ACTIVITY_ANOMALIES)) {
                    stores.add(Stores.windowStoreBuilder(Stores.persistentWindowStore(MINUTES_STORE,
                            window.size().plus(window.grace()), window.size(), false), Serdes.String(),
                            JsonSerde.of(MinuteActivity.class)));
                }
                return stores;
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        if (props.computes(Output.USER_ACTIVITY)) {
            this.activity = context.getStateStore(ACTIVITY_STORE);
        }
        if (props.computes(Output.ACTIVITY_ANOMALIES)) {
            this.minutes = context.getStateStore(MINUTES_STORE);
        }
    }

    @Override
    public void process(Record<String, UserEvent> record) {
        if (!(record.value() instanceof UserEvent.ClickEvent event)) {
            return;
        }
        Click click = event.click();
        String user = click.userId();
        long eventTime = click.eventTime().toEpochMilli();
        long streamTime = context.currentStreamTimeMs();

        if (activity != null) {
            UserActivity current = activity.get(user);
            UserActivity updated = (current == null ? UserActivity.first(user) : current)
                    .add(click.eventTime(), click.eventType() == Click.EventType.PURCHASE);
            activity.put(user, updated);
            context.forward(new Record<>(user, updated, eventTime), ACTIVITY_SINK);
        }
        if (minutes == null) {
            return;
        }
        long start = slots.startsOf(eventTime)[0];
        if (slots.isClosed(start, streamTime)) {
            LateRouting.route(context, record.withValue((Parsed<?>) event.parsed()), props.topics().activityAnomalies(),
                    start + slots.sizeMs(), streamTime, LATE_SINK, metrics);
            return;
        }
        MinuteActivity before = minutes.fetch(user, start);
        before = before == null ? MinuteActivity.empty() : before;
        MinuteActivity after = before.add(props.anomalyThreshold());
        minutes.put(user, after, start);
        if (after.firstCrossingAfter(before)) {
            context.forward(new Record<>(user, new ActivityAnomaly(slots.window(start), user, after.events()),
                    start + slots.sizeMs()), ANOMALY_SINK);
        }
    }
}
