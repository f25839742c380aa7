package dev.streamworks.faults;

import dev.streamworks.devstack.EventClock;
import dev.streamworks.devstack.Traffic;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The input of one run, computed before it starts from a seed: the same seed gives the same
 * records, so a faulted run and the uninterrupted reference read exactly the same input. The
 * devstack's generators make it (realistic records, some out of order, some too late, some
 * broken), on a clock the suite steps by a fixed amount per record from {@code start}.
 */
final class Workload {

    private Workload() {
    }

    /** {@code records} records of {@code target}'s traffic, event time stepping by {@code step} from {@code start}. */
    static List<ProducerRecord<byte[], byte[]>> of(Target target, long seed, int records, Instant start, Duration step) {
        SteppingClock clock = new SteppingClock(start, step);
        List<Traffic> traffic = target.traffic().apply(new EventClock(clock, 1), seed);
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(records);
        for (int i = 0; i < records; i++) {
            ProducerRecord<String, String> next = traffic.get(i % traffic.size()).next();
            out.add(new ProducerRecord<>(next.topic(), null, null, bytes(next.key()), bytes(next.value()),
                    next.headers()));
        }
        return out;
    }

    private static byte[] bytes(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    /** A clock that moves forward by {@code step} each time it is read. */
    static final class SteppingClock extends Clock {

        private final Duration step;
        private Instant now;

        SteppingClock(Instant start, Duration step) {
            this.now = start;
            this.step = step;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            Instant current = now;
            now = now.plus(step);
            return current;
        }
    }
}
