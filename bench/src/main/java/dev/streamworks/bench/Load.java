package dev.streamworks.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/** Pre-loading a backlog, and reading it back with a plain consumer (the physical reference). */
final class Load {

    private Load() {
    }

    /** A high-throughput producer: what a bulk loader would use. */
    static KafkaProducer<String, String> bulkProducer(String bootstrapServers) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
    }

    /** What {@link #preload} loaded: its rate, and the ids ({@link Pipeline#eventId}) of the events made late. */
    record Loaded(double eventsPerSecond, Set<String> lateIds) {
    }

    /**
     * Sends {@code events} records whose event times are spread evenly over {@code span} ending
     * now (each key's records in event-time order), except those {@code late} makes late, with a
     * progress bar on {@code console}; {@code eventId} names each late one.
     */
    static Loaded preload(String bootstrapServers, String topic, BenchTraffic traffic, int events, Duration span,
                          LateInjection late, Function<String, String> eventId, PrintStream console)
            throws Exception {
        AtomicReference<Exception> failure = new AtomicReference<>();
        long nowMs = System.currentTimeMillis();
        long startMs = nowMs - span.toMillis();
        long started = System.nanoTime();
        Set<String> lateIds = new LinkedHashSet<>();
        try (KafkaProducer<String, String> producer = bulkProducer(bootstrapServers)) {
            ProgressBar bar = new ProgressBar(console, "loading " + topic, events);
            for (int i = 0; i < events; i++) {
                long eventTimeMs = late.eventTime(i, startMs + LateInjection.nominalOffset(i, events, span.toMillis()));
                BenchTraffic.Generated g = traffic.next(eventTimeMs);
                if (late.isLate(i) && !lateIds.add(eventId.apply(g.value()))) {
                    throw new IllegalStateException("two late events with the id " + eventId.apply(g.value()));
                }
                producer.send(new ProducerRecord<>(topic, null, eventTimeMs, g.key(), g.value()), (meta, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    }
                });
                if ((i & 0x3fff) == 0) {
                    bar.update(i);
                    if (failure.get() != null) {
                        throw failure.get();
                    }
                }
            }
            producer.flush();
            bar.done(events);
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return new Loaded(events / ((System.nanoTime() - started) / 1e9), lateIds);
    }

    /**
     * A plain consumer in a fresh group reads {@code events} records of {@code topic} (byte
     * arrays, no parsing): events per second from the first record received to the last.
     */
    static double plainConsumerRate(String bootstrapServers, String topic, long events) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-plain-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long read = 0;
            long first = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (read < events) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("plain consumer read only " + read + " of " + events);
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty() && read == 0) {
                    first = System.nanoTime();
                }
                read += records.count();
            }
            return events / ((System.nanoTime() - first) / 1e9);
        }
    }

    /** A one-line progress bar, redrawn in place. */
    static final class ProgressBar {
        private final PrintStream out;
        private final String label;
        private final long total;
        private long started = System.nanoTime();
        private long lastDrawn;

        ProgressBar(PrintStream out, String label, long total) {
            this.out = out;
            this.label = label;
            this.total = total;
        }

        /** Restarts the rate's clock (the drain's starts at its first record, not at the bar's creation). */
        void restart() {
            started = System.nanoTime();
        }

        void update(long done) {
            long now = System.nanoTime();
            if (now - lastDrawn < 250_000_000L && done < total) {
                return;
            }
            lastDrawn = now;
            out.print("\r" + render(label, done, total, (System.nanoTime() - started) / 1e9));
            out.flush();
        }

        void done(long done) {
            update(done);
            out.println();
        }

        static String render(String label, long done, long total, double seconds) {
            int width = 30;
            int filled = (int) (width * done / Math.max(1, total));
            double rate = seconds > 0 ? done / seconds : 0;
            return String.format(Locale.ROOT, "%s [%s%s] %3d%% %,d/%,d (%,.0f/s)", label, "#".repeat(filled),
                    ".".repeat(width - filled), 100 * done / Math.max(1, total), done, total, rate);
        }
    }
}
