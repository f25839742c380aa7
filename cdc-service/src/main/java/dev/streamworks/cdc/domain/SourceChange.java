package dev.streamworks.cdc.domain;

import dev.streamworks.common.event.ChangeEvent;
import dev.streamworks.common.event.Event;

import java.time.Instant;

/**
 * A validated Debezium change event with its source position, read once at the source so a
 * change without a usable position is bad input there (and goes to the dead-letter topic with
 * the source topic in its headers).
 */
public record SourceChange(ChangeEvent event, SourcePosition position) implements Event {

    public static SourceChange of(ChangeEvent event) {
        return new SourceChange(event, SourcePosition.of(event.source()));
    }

    /** {@code source.ts_ms} (else {@code ts_ms}): when the change was committed in the source. */
    @Override
    public Instant eventTime() {
        return event.eventTime();
    }

    public ChangeEvent.Op op() {
        return event.op();
    }
}
