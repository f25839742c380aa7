package dev.streamworks.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.SortedMap;

/**
 * The drain measurement: a backlog of N valid events is loaded, a plain consumer reads it (the
 * physical reference), then the service starts and processes it.
 * <p>
 * The clock starts at the last poll (every 50 ms) at which the service had processed nothing
 * ({@code streamworks_records_in_total} + {@code streamworks_dlq_records_total} = 0), so JVM
 * start-up and Kafka Streams' start are not counted; JVM launch to that moment is reported
 * separately (an upper bound on launch to RUNNING: processing starts as soon as the streams run;
 * readiness is not polled for it because the HTTP server may answer only after processing began).
 * It stops when the output is complete: the service's consumer group has committed offsets at
 * the end of every partition of the input topic and of its internal repartition topics (see
 * {@link Broker#uncommitted}), polled every 50 ms from the broker's side. Under exactly-once
 * that commit is the transaction that makes the last outputs visible to read_committed readers;
 * under at-least-once the outputs were acknowledged before it. The service's own count must
 * then be N. Polling makes the figure conservative by at most 50 ms at each end, plus at most
 * one commit interval when the last offset to commit lies behind a transaction marker.
 * <p>
 * Then the service's late topic is read and its ids compared with those of the events made late
 * ({@code --late-share}, none by default): {@link LateCheck}.
 */
final class DrainRun {

    private static final Duration POLL = Duration.ofMillis(50);

    private DrainRun() {
    }

    private static void check(ServiceProcess service, long deadline, Path log, String what) {
        if (!service.isAlive()) {
            throw new IllegalStateException("the service died; log: " + log + "\n" + service.tail());
        }
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException(what + " in time; log: " + log + "\n" + service.tail());
        }
    }

    static Results.Drain run(BenchOptions options, Pipeline pipeline, String guarantee, int run, Path logDir,
                             Path profile, PrintStream console) throws Exception {
        double load = ProcStats.loadAverage();
        try (Broker broker = Broker.start(options.bootstrapServers(), pipeline)) {
            Backlog backlog = preload(options, pipeline, run, broker, console);
            return service(options, pipeline, guarantee, run, logDir, profile, console, broker, backlog, load);
        }
    }

    /** What {@link #preload} left on the broker: the plain consumer's events/s, the ids of the events made late. */
    record Backlog(double plainPerSecond, java.util.Set<String> lateIds) {
    }

    /**
     * Creates the input topic, loads the backlog (with {@code --late-share} of it made late) and
     * reads it with the plain consumer.
     */
    static Backlog preload(BenchOptions options, Pipeline pipeline, int run, Broker broker, PrintStream console)
            throws Exception {
        broker.createTopic(pipeline.inputTopic(), options.partitions());
        long seed = System.nanoTime() ^ run;
        BenchTraffic traffic = pipeline.traffic().apply(seed);
        LateInjection late = LateInjection.choose(options.events(), options.backlogSpan(), options.lateShare(), seed);
        Load.Loaded loaded = Load.preload(broker.bootstrapServers(), pipeline.inputTopic(), traffic, options.events(),
                options.backlogSpan(), late, pipeline::eventId, console);
        if (late.count() > 0) {
            console.printf(Locale.ROOT, "made late: %,d events, each %s before its place in the backlog%n",
                    late.count(), BenchOptions.format(java.time.Duration.ofMillis(late.offsetMs())));
        }
        double plain = Load.plainConsumerRate(broker.bootstrapServers(), pipeline.inputTopic(), options.events());
        console.printf("plain consumer: %,.0f events/s%n", plain);
        return new Backlog(plain, loaded.lateIds());
    }

    /** The service drains the backlog {@link #preload} left on {@code broker}. */
    static Results.Drain service(BenchOptions options, Pipeline pipeline, String guarantee, int run, Path logDir,
                                 Path profile, PrintStream console, Broker broker, Backlog backlog, double load)
            throws Exception {
        Path stateDir = Files.createTempDirectory("bench-state-");
        Path log = logDir.resolve(pipeline.name() + "-drain-" + guarantee + "-" + run + ".log");
        try (ServiceProcess service = ServiceProcess.start(pipeline.jar(options.repository()),
                broker.bootstrapServers(), guarantee, stateDir, Bench.jvmOptions(options, profile),
                pipeline.args(options.serviceArgs()), log)) {
            long n = options.events();
            long deadline = System.nanoTime() + options.drainTimeoutOrDefault().toNanos();
            Load.ProgressBar bar = new Load.ProgressBar(console, "draining " + pipeline.name(), n);
            // phase 1: until the service has processed its first record. Only here is the service's
            // /actuator/prometheus polled often: a scrape costs the service CPU, so the drain itself is
            // watched from the broker's side (committed offsets), which costs the service nothing.
            long first = -1;
            double cpuAtFirst = 0;
            long beforeFirst = System.nanoTime();
            double cpuBefore = service.proc().cpuSeconds();
            while (first < 0) {
                check(service, deadline, log, "no record processed");
                long now = System.nanoTime();
                double cpuNow = service.proc().cpuSeconds();
                long processed = service.processedRecordsOrMinusOne();
                if (processed <= 0) {
                    // nothing processed yet (or not answering yet): the drain starts after this poll
                    beforeFirst = now;
                    cpuBefore = cpuNow;
                    Thread.sleep(POLL.toMillis());
                } else {
                    first = beforeFirst;
                    cpuAtFirst = cpuBefore;
                }
            }
            bar.restart();
            // with --page, a live page is open on the service for the whole drain
            PagePoller page = options.page() ? PagePoller.open(service) : null;
            // phase 2: until the group's offsets are committed at the end of every partition it reads
            long end = -1;
            double cpuAtEnd = 0;
            while (end < 0) {
                check(service, deadline, log, "the drain did not complete");
                Broker.Behind behind = broker.uncommitted(pipeline.applicationId(), pipeline.inputTopic());
                if (behind.total() == 0) {
                    end = System.nanoTime();
                    cpuAtEnd = service.proc().cpuSeconds();
                } else {
                    bar.update(n - Math.min(n, behind.input()));
                    Thread.sleep(POLL.toMillis());
                }
            }
            bar.done(n);
            if (page != null) {
                page.close();
                PagePoller.report(console, page, PagePoller.cpuMsPerProgressAnswer(service, 500),
                        cpuAtEnd - cpuAtFirst, (end - first) / 1e9);
            }
            long processed = service.processedRecords();
            if (processed != n) {
                throw new IllegalStateException("offsets are committed but the service counted " + processed
                        + " records (records in + dead letters) of " + n);
            }
            ProcStats.Memory memory = service.proc().memory();
            Broker.Writes writes = broker.writesPerEvent(pipeline.applicationId(), pipeline.inputTopic(), n);
            console.printf(Locale.ROOT, "records written per event: %.1f (repartition %.1f, changelog %.1f, "
                    + "outputs, late and DLQ %.1f)%n", writes.total(), writes.repartition(), writes.changelog(),
                    writes.other());
            StringBuilder stores = new StringBuilder();
            writes.perStore().forEach((store, perEvent) -> stores.append(String.format(Locale.ROOT, "%s%s %.2f",
                    stores.isEmpty() ? "" : ", ", store, perEvent)));
            console.println("changelog records per event, by store: " + (stores.isEmpty() ? "none" : stores));
            StringBuilder late = new StringBuilder();
            SortedMap<String, Long> lateByOutput = service.lateRecordsByOutput();
            long lateRecords = lateByOutput.values().stream().mapToLong(Long::longValue).sum();
            lateByOutput.forEach((output, count) -> {
                if (count > 0) {
                    late.append(String.format(Locale.ROOT, "%s%s %,d", late.isEmpty() ? "" : ", ", output, count));
                }
            });
            console.println("late records (per output that could not count them): "
                    + (late.isEmpty() ? "none" : late));
            String lateTopic = dev.streamworks.common.streams.Topics.late(pipeline.applicationId());
            LateCheck lateCheck = LateCheck.of(lateTopic, backlog.lateIds(),
                    LateCheck.readAll(broker.bootstrapServers(), lateTopic), pipeline::eventId);
            console.println(lateCheck.line());
            double seconds = (end - first) / 1e9;
            return new Results.Drain(n / seconds, backlog.plainPerSecond(), (cpuAtEnd - cpuAtFirst) / (n / 1e6),
                    memory.peakRssBytes() / 1048576.0, writes.total(), lateRecords,
                    (first - service.launchedNanos()) / 1e9, seconds, load,
                    Instant.now().minusNanos(System.nanoTime() - first), Instant.now().minusNanos(System.nanoTime() - end),
                    cpuAtEnd, lateCheck.injected().size(), lateCheck.found().size(), lateCheck.exact());
        } finally {
            ServiceProcess.deleteTree(stateDir);
        }
    }
}
