package dev.streamworks.clickstream.processor;

import dev.streamworks.common.event.Click;
import dev.streamworks.common.event.Impression;
import dev.streamworks.common.serde.Parsed;

/**
 * A click or an impression of one user: both travel through one repartition topic keyed by
 * {@code user_id}, so the per-user outputs (activity, sessions, anomalies and the click-impression
 * join) share one task and one stream time, and the join's two sides are co-partitioned by
 * construction.
 */
public sealed interface UserEvent permits UserEvent.ClickEvent, UserEvent.ImpressionEvent {

    Parsed<?> parsed();

    static UserEvent click(Parsed<Click> click) {
        return new ClickEvent(click);
    }

    static UserEvent impression(Parsed<Impression> impression) {
        return new ImpressionEvent(impression);
    }

    record ClickEvent(Parsed<Click> parsed) implements UserEvent {
        public Click click() {
            return parsed.value();
        }
    }

    record ImpressionEvent(Parsed<Impression> parsed) implements UserEvent {
        public Impression impression() {
            return parsed.value();
        }
    }
}
