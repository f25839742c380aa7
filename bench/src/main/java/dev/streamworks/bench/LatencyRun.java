package dev.streamworks.bench;

import dev.streamworks.devstack.EventClock;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The latency measurement: the service runs in update mode (an output per changed window at each
 * commit, so one output may include several inputs), the
 * generator sends at a fixed rate with event time = send time, and a read_committed consumer
 * polls the correlated output. Latency of an input = the time the first output that includes it
 * is polled minus the time the input was created and handed to the producer (also its record
 * timestamp and event time), so the producer's hop to the broker is included. Inputs sent in the
 * warm-up are not measured; after the measurement interval the generator stops and the bench
 * waits (at most 60 s) until every measured input is included in some output.
 */
final class LatencyRun {

    private static final long TICK_NANOS = Duration.ofMillis(1).toNanos();

    private LatencyRun() {
    }

    static Results.Latency run(BenchOptions options, Pipeline pipeline, String guarantee, int run, Path logDir,
                               Path profile, PrintStream console) throws Exception {
        double load = ProcStats.loadAverage();
        try (Broker broker = Broker.start(options.bootstrapServers(), pipeline)) {
            broker.createTopic(pipeline.inputTopic(), options.partitions());
            Path stateDir = Files.createTempDirectory("bench-state-");
            Path log = logDir.resolve(pipeline.name() + "-latency-" + guarantee + "-" + run + ".log");
            List<String> args = pipeline.args(pipeline.latencyArgs());
            args.addAll(options.serviceArgs());
            try (ServiceProcess service = ServiceProcess.start(pipeline.jar(options.repository()),
                    broker.bootstrapServers(), guarantee, stateDir, Bench.jvmOptions(options, profile), args, log)) {
                Duration toRunning = service.awaitRunning(Duration.ofMinutes(3));
                return measure(options, pipeline, broker, service, toRunning, load, run, console);
            } finally {
                ServiceProcess.deleteTree(stateDir);
            }
        }
    }

    private static Results.Latency measure(BenchOptions options, Pipeline pipeline, Broker broker,
                                           ServiceProcess service, Duration toRunning, double load, int run,
                                           PrintStream console) throws Exception {
        EventClock clock = new EventClock(Clock.systemUTC(), 1);
        long startMicros = micros(clock.now());
        long measureFrom = startMicros + options.warmup().toNanos() / 1000;
        long measureUntil = measureFrom + options.duration().toNanos() / 1000;
        Correlator correlator = new Correlator(measureFrom, measureUntil);
        AtomicReference<Exception> failure = new AtomicReference<>();

        OutputReader reader = new OutputReader(broker.bootstrapServers(), pipeline, correlator, clock, failure);
        reader.start();
        reader.awaitAssignment(Duration.ofSeconds(60));

        BenchTraffic traffic = pipeline.traffic().apply(System.nanoTime() ^ run);
        AtomicLong sentInWindow = new AtomicLong();
        double rssMaxMb = 0;
        double cpuFrom = Double.NaN;
        double cpuUntil = Double.NaN;
        long cpuFromNanos = 0;
        long cpuUntilNanos = 0;
        long nextSample = 0;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 1,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            long startNanos = System.nanoTime();
            long sent = 0;
            long totalNanos = options.warmup().plus(options.duration()).toNanos();
            String label = String.format(Locale.ROOT, "latency %s %,d/s", pipeline.name(), options.rate());
            while (true) {
                long elapsed = System.nanoTime() - startNanos;
                if (elapsed >= totalNanos) {
                    break;
                }
                long due = elapsed * options.rate() / 1_000_000_000L;
                for (; sent < due; sent++) {
                    Instant now = clock.now();
                    long ms = now.toEpochMilli();
                    long us = micros(now);
                    BenchTraffic.Generated g = traffic.next(ms);
                    if (g.correlationKey() != null) {
                        // null: no output answers this input (a fraud transaction that raises no alert)
                        correlator.sent(g.correlationKey(), us);
                    }
                    producer.send(new ProducerRecord<>(pipeline.inputTopic(), null, ms, g.key(), g.value()),
                            (meta, error) -> {
                                if (error != null) {
                                    failure.compareAndSet(null, error);
                                }
                            });
                    if (us >= measureFrom && us < measureUntil) {
                        sentInWindow.incrementAndGet();
                    }
                }
                if (elapsed >= nextSample) {
                    // once a second: memory, CPU at the edges of the measurement, the console line
                    long nowUs = micros(clock.now());
                    if (nowUs >= measureFrom && Double.isNaN(cpuFrom)) {
                        cpuFrom = service.proc().cpuSeconds();
                        cpuFromNanos = System.nanoTime();
                    }
                    if (nowUs >= measureFrom) {
                        rssMaxMb = Math.max(rssMaxMb, service.proc().memory().rssBytes() / 1048576.0);
                    }
                    console.print("\r" + label + (nowUs < measureFrom ? " warming up " : " measuring ")
                            + (elapsed / 1_000_000_000L) + "s  pending " + correlator.pending() + "   ");
                    console.flush();
                    nextSample += 1_000_000_000L;
                    if (failure.get() != null) {
                        throw failure.get();
                    }
                    if (!service.isAlive()) {
                        throw new IllegalStateException("service died; log: " + service.log() + "\n" + service.tail());
                    }
                }
                LockSupport.parkNanos(TICK_NANOS);
            }
            cpuUntil = service.proc().cpuSeconds();
            cpuUntilNanos = System.nanoTime();
            rssMaxMb = Math.max(rssMaxMb, service.proc().memory().rssBytes() / 1048576.0);
        }
        console.println();
        long waitUntil = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (correlator.pending() > 0 && System.nanoTime() < waitUntil && failure.get() == null) {
            Thread.sleep(100);
        }
        reader.close();
        if (failure.get() != null) {
            throw failure.get();
        }
        ProcStats.Memory memory = service.proc().memory();
        Histogram h = correlator.histogram();
        if (correlator.unexpected() > 0) {
            console.printf("warning: %d output records matched no input%n", correlator.unexpected());
        }
        double seconds = options.duration().toNanos() / 1e9;
        return new Results.Latency(ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(95)),
                ms(h.getValueAtPercentile(99)), ms(h.getMaxValue()), h.getTotalCount(), correlator.pending(),
                sentInWindow.get() / seconds, memory.peakRssBytes() / 1048576.0, rssMaxMb,
                (cpuUntil - cpuFrom) / ((cpuUntilNanos - cpuFromNanos) / 1e9), toRunning.toMillis() / 1000.0, load,
                Instant.ofEpochSecond(0, measureFrom * 1000), Instant.ofEpochSecond(0, measureUntil * 1000));
    }

    static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000;
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

    /** Polls the correlated output (read_committed) on its own thread and feeds the correlator. */
    private static final class OutputReader implements AutoCloseable {
        private final KafkaConsumer<String, String> consumer;
        private final Pipeline pipeline;
        private final Correlator correlator;
        private final EventClock clock;
        private final AtomicReference<Exception> failure;
        private final Thread thread;
        private volatile boolean running = true;
        private volatile boolean assigned;

        OutputReader(String bootstrapServers, Pipeline pipeline, Correlator correlator, EventClock clock,
                     AtomicReference<Exception> failure) {
            this.consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ConsumerConfig.GROUP_ID_CONFIG, "bench-latency-" + UUID.randomUUID(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10), new StringDeserializer(), new StringDeserializer());
            this.pipeline = pipeline;
            this.correlator = correlator;
            this.clock = clock;
            this.failure = failure;
            this.thread = new Thread(this::run, "bench-output-reader");
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void awaitAssignment(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!assigned) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the output reader got no partitions of " + pipeline.latencyOutput());
                }
                Thread.sleep(50);
            }
        }

        private void run() {
            try {
                consumer.subscribe(List.of(pipeline.latencyOutput()));
                while (running) {
                    ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                    if (!assigned && !consumer.assignment().isEmpty()) {
                        assigned = true;
                    }
                    if (records.isEmpty()) {
                        continue;
                    }
                    long polled = micros(clock.now());
                    for (ConsumerRecord<String, String> record : records) {
                        Pipeline.Correlated c = pipeline.correlate(record.key(), record.value());
                        if (c != null) {
                            correlator.observed(c.correlationKey(), c.count(), polled);
                        }
                    }
                }
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                // closing
            } catch (Exception e) {
                failure.compareAndSet(null, e);
            } finally {
                consumer.close(Duration.ofSeconds(5));
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            consumer.wakeup();
            thread.join(10_000);
        }
    }
}
