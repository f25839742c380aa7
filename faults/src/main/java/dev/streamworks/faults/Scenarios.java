package dev.streamworks.faults;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The scenarios of issue 13, each on a broker of its own started by the suite, each service in
 * its own JVM, each judged against {@link Judge}. Every random choice (kill moments, which
 * restarts wipe the state) comes from the run's seed, printed with every outcome, so a failure
 * replays with {@code --seed}.
 */
final class Scenarios {

    /** Gaps between kills: a random moment in this range after the service is back. */
    private static final int MIN_GAP_MS = 1_000;
    private static final int MAX_GAP_MS = 5_000;

    /**
     * Arguments of the kill, two-instance and outage scenarios, the same so they share one reference
     * run: two partitions (one per instance when there are two), and a 20 s session timeout so the
     * survivor of two instances takes over soon (a restart with the same instance id takes its
     * partitions back at once whatever the timeout).
     */
    private static final List<String> SHARED_ARGS = Scenario.serviceArgs(2,
            "--spring.kafka.streams.properties.session.timeout.ms=20000");

    /** The existing dead-letter topic of the iot poison run accepts this much: less than a 1 MiB input. */
    static final int SMALL_DLQ_BYTES = 512 * 1024;

    private final Judge judge;
    private final Path runDir;
    private final long seed;

    Scenarios(Judge judge, Path runDir, long seed) {
        this.judge = judge;
        this.runDir = runDir;
        this.seed = seed;
    }

    /** Event times a few hours old, or a year old (a replay, a backfill), one record every 200 ms of event time. */
    Scenario.Input input(Target target, int records, boolean yearOld, int partitions, List<String> args) {
        Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(yearOld ? Duration.ofDays(365)
                : Duration.ofHours(6));
        String id = String.join("/", target.name(), Long.toString(seed), Integer.toString(records), start.toString(),
                Integer.toString(partitions), args.toString());
        return new Scenario.Input(id, Workload.of(target, seed, records, start, Duration.ofMillis(200)), partitions,
                args);
    }

    private Path dir(String name) throws Exception {
        return Files.createDirectories(runDir.resolve(name + "-" + System.nanoTime()));
    }

    /**
     * {@code kill -9} of the service {@code kills} times at random moments while its input flows,
     * every second restart with its state directory wiped. With {@code yearOld}, the event times are
     * a year old and the broker checks retention every 5 s (Kafka's default retention, its check
     * made frequent), so anything a time retention would delete is gone before the outputs are read.
     */
    Scenario.Outcome kills(Target target, int kills, int records, boolean yearOld) throws Exception {
        String name = yearOld ? "history" : "kills";
        Scenario.Input input = input(target, records, yearOld, 2, SHARED_ARGS);
        Map<String, List<Judge.Output>> expected = judge.expected(target, input);
        SplittableRandom random = new SplittableRandom(seed);
        List<Duration> recover = new ArrayList<>();
        List<Duration> restore = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        int wipes = 0;
        Duration retentionCheck = yearOld ? Duration.ofSeconds(5) : null;
        try (Cluster cluster = Cluster.start(retentionCheck);
             Instance instance = new Instance(target, cluster.bootstrapServers(), target.name() + "-0", dir(name),
                     input.serviceArgs())) {
            Scenario.createInputs(cluster, target, input.partitions());
            instance.start();
            restore.add(instance.awaitReady(Scenario.START_TIMEOUT));
            // the input keeps flowing through every kill: spread over about 4 s per kill
            Scenario.Feed feed = Scenario.feed(cluster, input.records(), Math.max(100, records / Math.max(1, kills * 4)));
            for (int k = 0; k < kills; k++) {
                TimeUnit.MILLISECONDS.sleep(MIN_GAP_MS + random.nextInt(MAX_GAP_MS - MIN_GAP_MS));
                long killed = System.nanoTime();
                instance.kill();
                if (k % 2 == 1) {
                    instance.wipeState();
                    wipes++;
                }
                instance.start();
                restore.add(instance.awaitReady(Scenario.START_TIMEOUT));
                recover.add(Duration.ofNanos(System.nanoTime() - killed));
            }
            feed.await(Duration.ofMinutes(10));
            Scenario.drain(cluster, target, List.of(instance), Duration.ofMinutes(10));
            if (yearOld) {
                // let the broker's retention check run over everything written, twice
                TimeUnit.MILLISECONDS.sleep(2 * retentionCheck.toMillis() + 1_000);
                notes.add("event times a year old, broker retention check every " + retentionCheck.toSeconds() + " s");
            }
            Verdict verdict = Verdict.of(target, expected, Scenario.outputs(cluster, target));
            return new Scenario.Outcome(name, target.name(), seed, kills, wipes, records, verdict, recover, restore,
                    notes, verdict.exact());
        }
    }

    /**
     * Two instances, one killed: the keys it owned answer a ProblemDetail naming it until the other
     * takes its partitions over (after the group's session timeout, 20 s here), then the outputs are
     * exact; the killed one comes back and everything it missed is there.
     */
    Scenario.Outcome twoInstances(Target target, int records) throws Exception {
        Scenario.Input input = input(target, records, false, 2, SHARED_ARGS);
        Map<String, List<Judge.Output>> expected = judge.expected(target, input);
        SplittableRandom random = new SplittableRandom(seed);
        List<Duration> recover = new ArrayList<>();
        List<Duration> restore = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Path dir = dir("two-instances");
        try (Cluster cluster = Cluster.start(null);
             Instance first = new Instance(target, cluster.bootstrapServers(), target.name() + "-0", dir,
                     input.serviceArgs());
             Instance second = new Instance(target, cluster.bootstrapServers(), target.name() + "-1", dir,
                     input.serviceArgs())) {
            Scenario.createInputs(cluster, target, input.partitions());
            first.start();
            second.start();
            restore.add(first.awaitReady(Scenario.START_TIMEOUT));
            restore.add(second.awaitReady(Scenario.START_TIMEOUT));
            Scenario.Feed feed = Scenario.feed(cluster, input.records(), Math.max(100, records / 15));
            TimeUnit.MILLISECONDS.sleep(MIN_GAP_MS + random.nextInt(MAX_GAP_MS - MIN_GAP_MS));
            long killed = System.nanoTime();
            first.kill();
            String problem = ownerUnreachable(target, input, second, first);
            boolean named = problem != null;
            notes.add(named ? "a key of the killed instance answered " + problem
                    : "no query answered a ProblemDetail naming the killed instance");
            feed.await(Duration.ofMinutes(10));
            Scenario.drain(cluster, target, List.of(second), Duration.ofMinutes(10));
            recover.add(Duration.ofNanos(System.nanoTime() - killed));
            notes.add("the other instance took over and committed everything");
            first.start();
            restore.add(first.awaitReady(Scenario.START_TIMEOUT));
            Scenario.drain(cluster, target, List.of(first, second), Duration.ofMinutes(5));
            Verdict verdict = Verdict.of(target, expected, Scenario.outputs(cluster, target));
            return new Scenario.Outcome("two-instances", target.name(), seed, 1, 0, records, verdict, recover, restore,
                    notes, verdict.exact() && named);
        }
    }

    /** Queries the survivor for the input's keys until one is owned by the killed instance; its answer, or null. */
    private static String ownerUnreachable(Target target, Scenario.Input input, Instance survivor, Instance killed)
            throws Exception {
        Set<String> keys = new LinkedHashSet<>();
        for (ProducerRecord<byte[], byte[]> record : input.records()) {
            if (record.key() != null && keys.size() < 50) {
                keys.add(new String(record.key(), StandardCharsets.UTF_8));
            }
        }
        // until the session timeout (20 s) gives the killed instance's partitions to the survivor
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            for (String key : keys) {
                HttpResponse<String> answer;
                try {
                    answer = survivor.process().request(target.queryPath().formatted(key));
                } catch (java.io.IOException e) {
                    continue; // a busy machine: the survivor did not answer within 5 s, ask again
                }
                if (answer.statusCode() == 502
                        && answer.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")
                        && answer.body().contains("\"owner\":\"localhost:" + killed.port() + "\"")) {
                    return "502 application/problem+json naming owner localhost:" + killed.port();
                }
            }
        }
        return null;
    }

    /**
     * The broker stopped for {@code outage} while the input flows, then started again on the same
     * data: the service recovers by itself (never restarted), and the outputs are exact.
     */
    Scenario.Outcome brokerOutage(Target target, int records, Duration outage) throws Exception {
        Scenario.Input input = input(target, records, false, 2, SHARED_ARGS);
        Map<String, List<Judge.Output>> expected = judge.expected(target, input);
        SplittableRandom random = new SplittableRandom(seed);
        List<Duration> recover = new ArrayList<>();
        List<Duration> restore = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        try (Cluster cluster = Cluster.start(null);
             Instance instance = new Instance(target, cluster.bootstrapServers(), target.name() + "-0",
                     dir("broker-outage"), input.serviceArgs())) {
            Scenario.createInputs(cluster, target, input.partitions());
            instance.start();
            restore.add(instance.awaitReady(Scenario.START_TIMEOUT));
            Scenario.Feed feed = Scenario.feed(cluster, input.records(),
                    Math.max(100, (int) (records / (outage.toSeconds() + 15))));
            TimeUnit.MILLISECONDS.sleep(MIN_GAP_MS + random.nextInt(MAX_GAP_MS - MIN_GAP_MS));
            cluster.stopBroker();
            TimeUnit.MILLISECONDS.sleep(outage.toMillis());
            cluster.startBroker();
            long back = System.nanoTime();
            feed.await(Duration.ofMinutes(10));
            Scenario.drain(cluster, target, List.of(instance), Duration.ofMinutes(10));
            recover.add(Duration.ofNanos(System.nanoTime() - back));
            boolean untouched = instance.starts() == 1 && instance.alive();
            notes.add("broker down " + outage.toSeconds() + " s; " + (untouched
                    ? "the service recovered by itself (same process)" : "the service had to be restarted"));
            Verdict verdict = Verdict.of(target, expected, Scenario.outputs(cluster, target));
            return new Scenario.Outcome("broker-outage", target.name(), seed, 0, 0, records, verdict, recover, restore,
                    notes, verdict.exact() && untouched);
        }
    }

    /**
     * The poison corpus on every input of {@code target}, each kind alone among good records: every
     * bad record in the dead-letter topic with the KIP-1034 headers, every good one counted (the
     * outputs equal those of the good records alone), the service never restarted nor a thread lost.
     */
    Scenario.Outcome poison(Target target, int records) throws Exception {
        List<ProducerRecord<byte[], byte[]>> good = input(target, records, false, 2, List.of()).records();
        Instant now = Instant.now();
        List<PoisonCorpus.Poison> corpus = new ArrayList<>();
        for (String topic : target.inputs()) {
            corpus.addAll(PoisonCorpus.of(topic, sample(good, topic), now));
        }
        List<ProducerRecord<byte[], byte[]>> extras = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> mixed = new ArrayList<>();
        int every = Math.max(1, good.size() / Math.max(1, corpus.size()));
        int next = 0;
        for (int i = 0; i < good.size(); i++) {
            mixed.add(good.get(i));
            if (i % every == every - 1 && next < corpus.size()) {
                PoisonCorpus.Poison poison = corpus.get(next++);
                if (!poison.good()) {
                    mixed.add(new ProducerRecord<>(poison.topic(), null, null, poison.value()));
                }
            }
        }
        for (; next < corpus.size(); next++) {
            PoisonCorpus.Poison poison = corpus.get(next);
            if (!poison.good()) {
                mixed.add(new ProducerRecord<>(poison.topic(), null, null, poison.value()));
            }
        }
        corpus.stream().filter(PoisonCorpus.Poison::good)
                .forEach(p -> extras.add(new ProducerRecord<>(p.topic(), null, null, p.value())));
        List<ProducerRecord<byte[], byte[]>> reference = new ArrayList<>(good);
        reference.addAll(extras);
        mixed.addAll(extras);
        List<String> args = Scenario.serviceArgs(2);
        Scenario.Input referenceInput = new Scenario.Input(target.name() + "/poison-reference/" + seed + "/" + records,
                reference, 2, args);
        Map<String, List<Judge.Output>> expected = judge.expected(target, referenceInput);
        String deadLetter = target.applicationId() + ".dlq";
        List<String> notes = new ArrayList<>();
        long bad = corpus.stream().filter(PoisonCorpus.Poison::bad).count();
        try (Cluster cluster = Cluster.start(null);
             Instance instance = new Instance(target, cluster.bootstrapServers(), target.name() + "-0", dir("poison"),
                     args)) {
            Scenario.createInputs(cluster, target, 2);
            if (target.equals(Target.IOT)) {
                // a dead-letter topic that existed before, smaller than what the inputs accept: the
                // large dead letters must be cut to fit (x-truncated-from), not stop the service
                cluster.createTopics(List.of(deadLetter), 2, Map.of("max.message.bytes", String.valueOf(SMALL_DLQ_BYTES)));
                notes.add("existing " + deadLetter + " accepting " + SMALL_DLQ_BYTES + " bytes");
            }
            instance.start();
            List<Duration> restore = List.of(instance.awaitReady(Scenario.START_TIMEOUT));
            try (KafkaProducer<byte[], byte[]> producer = cluster.producer()) {
                for (ProducerRecord<byte[], byte[]> record : mixed) {
                    producer.send(record);
                }
            }
            Scenario.drain(cluster, target, List.of(instance), Duration.ofMinutes(10));
            List<ConsumerRecord<byte[], byte[]>> all = cluster.readAll(deadLetter);
            // the rows of a global table are judged apart (PoisonCorpus#LENIENT_TABLE)
            List<ConsumerRecord<byte[], byte[]>> dead = all.stream().filter(d -> !fromGlobalTable(d)).toList();
            if (all.size() > dead.size()) {
                notes.add((all.size() - dead.size()) + " dead letters from " + Target.GLOBAL_TABLES);
            }
            long expectedDead = expected.getOrDefault(deadLetter, List.of()).size() + bad;
            long withHeaders = dead.stream().filter(Scenario::hasDeadLetterHeaders).count();
            List<String> missing = new ArrayList<>();
            for (PoisonCorpus.Poison poison : corpus) {
                if (poison.bad() && poison.value() != null && dead.stream().noneMatch(d -> deadLetterOf(d, poison))) {
                    missing.add(poison.topic() + ": " + poison.kind());
                }
            }
            boolean untouched = instance.starts() == 1 && instance.alive() && !instance.threadDied();
            long cut = dead.stream().filter(d -> d.headers().lastHeader("x-truncated-from") != null).count();
            if (cut > 0) {
                notes.add(cut + " dead letters cut to fit, with x-truncated-from");
            }
            notes.add(corpus.size() + " poison records (" + bad + " bad) on " + target.inputs());
            notes.add("dead letters " + dead.size() + " of " + expectedDead + " expected, " + withHeaders
                    + " with every KIP-1034 header");
            if (!missing.isEmpty()) {
                notes.add("not in the dead-letter topic: " + missing);
            }
            notes.add(untouched ? "never restarted, no stream thread died" : "the service restarted or lost a thread");
            Target judged = withoutOutput(target, deadLetter);
            Verdict verdict = Verdict.of(judged, expected, Scenario.outputs(cluster, judged));
            boolean passed = verdict.exact() && untouched && missing.isEmpty() && dead.size() == expectedDead
                    && withHeaders == dead.size();
            return new Scenario.Outcome("poison", target.name(), seed, 0, 0, mixed.size(), verdict, List.of(), restore,
                    notes, passed);
        }
    }

    /** Whether a dead letter is this poison record: its value whole, or cut to fit with x-truncated-from. */
    private static boolean deadLetterOf(ConsumerRecord<byte[], byte[]> dead, PoisonCorpus.Poison poison) {
        if (dead.value() == null) {
            return false;
        }
        if (Arrays.equals(dead.value(), poison.value())) {
            return true;
        }
        var truncated = dead.headers().lastHeader("x-truncated-from");
        return truncated != null && new String(truncated.value(), StandardCharsets.UTF_8)
                .equals(String.valueOf(poison.value().length))
                && Arrays.equals(dead.value(), Arrays.copyOf(poison.value(), dead.value().length));
    }

    private static boolean fromGlobalTable(ConsumerRecord<byte[], byte[]> dead) {
        var topic = dead.headers().lastHeader("__streams.errors.topic");
        return topic != null && Target.GLOBAL_TABLES.contains(new String(topic.value(), StandardCharsets.UTF_8));
    }

    private static String sample(List<ProducerRecord<byte[], byte[]>> records, String topic) {
        if (topic.equals("cdc.users")) {
            return "{\"user_id\":\"user-poison\",\"user_segment\":\"gold\"}";
        }
        return records.stream().filter(r -> r.topic().equals(topic) && r.value() != null)
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .filter(v -> v.startsWith("{"))
                .findFirst().orElseThrow(() -> new IllegalStateException("no good record of " + topic));
    }

    private static Target withoutOutput(Target target, String topic) {
        Map<String, Target.Compare> outputs = new LinkedHashMap<>(target.outputs());
        outputs.remove(topic);
        return new Target(target.name(), target.mainClass(), target.applicationId(), target.inputs(),
                target.queryPath(), outputs, target.traffic(), target.args());
    }

    /**
     * Time from a {@code kill -9} to processing again with {@code keys} keys of state (one reading per
     * device, all in one window): the service is loaded, killed, restarted on its state directory,
     * and one more reading must be committed. With {@code transactional} off, exactly-once wipes the
     * state after the crash and restores it from the changelogs.
     */
    Scenario.Outcome restartTime(int keys, boolean transactional) throws Exception {
        Target target = Target.IOT;
        Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(6));
        List<String> args = Scenario.serviceArgs(2, "--spring.kafka.streams.properties.enable.transactional.statestores="
                + transactional);
        List<String> notes = new ArrayList<>();
        try (Cluster cluster = Cluster.start(null);
             Instance instance = new Instance(target, cluster.bootstrapServers(), "iot-0", dir("restart-time"), args)) {
            Scenario.createInputs(cluster, target, 2);
            instance.start();
            List<Duration> restore = new ArrayList<>(List.of(instance.awaitReady(Scenario.START_TIMEOUT)));
            long loading = System.nanoTime();
            try (KafkaProducer<byte[], byte[]> producer = cluster.producer()) {
                for (int i = 0; i < keys; i++) {
                    producer.send(reading("device-" + i, start.plusMillis(i % 60_000), 20 + i % 10));
                }
            }
            Scenario.drain(cluster, target, List.of(instance), Duration.ofMinutes(30));
            notes.add(String.format("%,d keys loaded and committed in %d s", keys,
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - loading)));
            long killed = System.nanoTime();
            instance.kill();
            instance.start();
            restore.add(instance.awaitReady(Scenario.START_TIMEOUT));
            try (KafkaProducer<byte[], byte[]> producer = cluster.producer()) {
                producer.send(reading("device-probe", start.plusSeconds(61), 21));
            }
            Scenario.drain(cluster, target, List.of(instance), Duration.ofMinutes(30));
            Duration processing = Duration.ofNanos(System.nanoTime() - killed);
            notes.add("transactional state stores " + (transactional ? "on" : "off") + ": from kill -9 to RUNNING "
                    + restore.get(1).toMillis() + " ms, to processing again " + processing.toMillis() + " ms");
            Verdict none = new Verdict(0, 0, 0, 0, List.of());
            return new Scenario.Outcome("restart-time" + (transactional ? "" : "-without-kip-892"), target.name(), seed,
                    1, 0, keys + 1L, none, List.of(processing), restore, notes, true);
        }
    }

    private static ProducerRecord<byte[], byte[]> reading(String device, Instant at, double temperature) {
        String value = "{\"device_id\":\"" + device + "\",\"event_timestamp\":\"" + at + "\",\"temperature\":"
                + temperature + "}";
        return new ProducerRecord<>("iot-telemetry", device.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }
}
