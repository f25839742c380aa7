package dev.streamworks.differential.harness;

import dev.streamworks.common.testing.KafkaBroker;
import dev.streamworks.common.testing.KafkaClients;
import dev.streamworks.common.testing.RunningService;
import dev.streamworks.differential.compare.Comparison;
import dev.streamworks.differential.gen.DataSet;
import dev.streamworks.differential.gen.Rec;
import dev.streamworks.differential.ref.Contract;
import dev.streamworks.differential.ref.Expected;
import dev.streamworks.differential.ref.Out;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;

/**
 * Runs a service on the shared broker over generated data and compares every output topic,
 * {@code .late} and {@code .dlq} with the reference. Each run has topics and an application id of
 * its own (the contract's names with a suffix), so runs do not see each other's records.
 */
public final class DifferentialRun implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DifferentialRun.class);
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    /** The fixed start of backlog data (an hour); live data ends at the current hour instead. */
    public static final Instant BACKLOG_BASE = Instant.parse("2025-12-09T10:00:00Z");
    /** How long nothing more may arrive once the outputs equal the reference. */
    static final Duration STABLE = Duration.ofSeconds(4);
    static final int EXAMPLES = 12;

    private final Pipeline pipeline;
    private final Scenario scenario;
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String applicationId;
    private final Map<String, String> actualName = new LinkedHashMap<>();
    private final Map<String, String> logicalName = new HashMap<>();
    private final List<RunningService> instances = new ArrayList<>();
    private final Admin admin;
    private final KafkaProducer<String, String> producer;
    private KafkaClients clients;
    private KafkaClients.Reader reader;

    /**
     * {@code streamworks.idle-timeout}: short for a backlog (a partition read to its end never
     * delivers again); live, the contract's default, so that no input partition is taken for idle
     * before the last chunk: docs/semantics.md's "exception" (an idle partition delivers again behind
     * a watermark that moved on without it) would then apply, which the reference does not model.
     * A live input partition goes without records from its tasks' start until the first chunk
     * (while the second instance starts and the group rebalances) and between chunks (while the
     * slowest partition and the repartition topics catch up): on a loaded machine that took 6-15 s,
     * past the 6 s this used to be, and the first chunk's records then went to {@code .late}.
     */
    private Duration idleTimeout() {
        return scenario.pace() == Pipeline.Pace.BACKLOG ? Duration.ofSeconds(2) : Duration.ofSeconds(30);
    }

    /** Live: the longest time an input partition may have gone without a record before the last chunk (a bound). */
    private Duration longestQuiet = Duration.ZERO;
    private String longestQuietAt = "";
    private long firstInstanceUp;

    /** Wall clock without a new output record, and no lag, before the outputs are taken as final. */
    private Duration quiet() {
        return idleTimeout().plusSeconds(6);
    }

    public DifferentialRun(Pipeline pipeline, Scenario scenario) {
        this.pipeline = pipeline;
        this.scenario = scenario;
        this.applicationId = pipeline.service() + "-" + run;
        pipeline.topicProperty().keySet().forEach(topic -> name(topic, topic + "-" + run));
        name(pipeline.service() + ".late", applicationId + ".late");
        name(pipeline.service() + ".dlq", applicationId + ".dlq");
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                // one request in flight keeps each partition in the generator's order without sequence numbers
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024),
                new StringSerializer(), new StringSerializer());
    }

    private void name(String logical, String actual) {
        actualName.put(logical, actual);
        logicalName.put(actual, logical);
    }

    /**
     * The data of this run: backlog data at a fixed past hour; live data ending at the current hour
     * (every event time in the past, so none is taken for a far-future one).
     */
    public DataSet generate() {
        Instant base = scenario.pace() == Pipeline.Pace.BACKLOG ? BACKLOG_BASE
                : Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(pipeline.hours(scenario.large())));
        return pipeline.generator().generate(scenario.seed(), scenario.partitions(), base, scenario.large());
    }

    /**
     * Produces the data as the scenario says, runs the service, waits until its outputs equal the
     * reference and stay so (or until nothing more happens), and returns the comparison.
     */
    public Comparison.Report execute(DataSet data) throws Exception {
        Instant wallClock = Instant.now();
        Expected expected = pipeline.reference().compute(data, scenario.pace(), Contract.Settings.at(wallClock));
        log.info("{} {}: {} records; reference {}", pipeline.service(), scenario, data.records().size(), expected.summary());
        createInputs();
        clients = new KafkaClients(KafkaBroker.shared().bootstrapServers());
        send(data.setup());
        if (scenario.pace() == Pipeline.Pace.BACKLOG) {
            send(data.records());
            startInstances();
        } else {
            startInstances();
            long quietSince = firstInstanceUp; // (about) when the first instance's tasks started
            for (int chunk = 0; chunk < data.chunks(); chunk++) {
                long sent = System.nanoTime();
                send(data.chunk(chunk));
                awaitNoLag(Duration.ofSeconds(90));
                // a partition's first record of this chunk was read before now, its last one of the
                // previous chunk after that chunk was sent
                Duration quiet = Duration.ofNanos(System.nanoTime() - quietSince);
                if (quiet.compareTo(longestQuiet) > 0) {
                    longestQuiet = quiet;
                    longestQuietAt = chunk == 0 ? "from the start to the first chunk" : "before chunk " + chunk;
                }
                quietSince = sent;
            }
        }
        List<String> outputs = expected.modes().keySet().stream().map(actualName::get).toList();
        reader = clients.reader(outputs.toArray(String[]::new));
        return awaitOutputs(expected);
    }

    private void createInputs() throws InterruptedException, ExecutionException, TimeoutException {
        List<NewTopic> topics = new ArrayList<>();
        for (String stream : pipeline.streams()) {
            topics.add(new NewTopic(actualName.get(stream), scenario.partitions(), (short) 1));
        }
        for (String table : pipeline.tables()) {
            topics.add(new NewTopic(actualName.get(table), scenario.partitions(), (short) 1)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        }
        admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
    }

    private void send(List<Rec> records) {
        AtomicReference<Exception> failed = new AtomicReference<>();
        for (Rec rec : records) {
            producer.send(new ProducerRecord<>(actualName.get(rec.topic()), rec.partition(), rec.key(), rec.value()),
                    (metadata, error) -> {
                        if (error != null) {
                            failed.compareAndSet(null, error);
                        }
                    });
        }
        producer.flush();
        if (failed.get() != null) {
            throw new IllegalStateException("could not produce the input", failed.get());
        }
    }

    private void startInstances() throws IOException {
        for (int i = 0; i < scenario.instances(); i++) {
            Map<String, String> properties = new LinkedHashMap<>(pipeline.properties());
            pipeline.topicProperty().forEach((topic, property) -> properties.put(property, actualName.get(topic)));
            properties.put("spring.kafka.streams.application-id", applicationId);
            properties.put("streamworks.topics.partitions", String.valueOf(scenario.partitions()));
            properties.put("streamworks.idle-timeout", idleTimeout().toSeconds() + "s");
            properties.put("streamworks.max-record-bytes", "64KB");
            properties.put("streamworks.guarantee", "exactly_once_v2");
            properties.put("server.port", String.valueOf(freePort()));
            Path stateDir = Files.createTempDirectory("differential-" + applicationId + "-" + i);
            instances.add(RunningService.startOnSharedBroker(pipeline.application().get(), stateDir, properties));
            if (i == 0) {
                firstInstanceUp = System.nanoTime();
            }
        }
    }

    /**
     * When a live run may have let an input partition go idle before its last chunk (the wall-clock
     * time without a record could reach {@code streamworks.idle-timeout}): a difference in windowed
     * outputs and {@code .late} may then be docs/semantics.md's exception, not a fault. {@code null}
     * otherwise.
     */
    public String idleWarning() {
        if (scenario.pace() != Pipeline.Pace.LIVE || longestQuiet.compareTo(idleTimeout()) < 0) {
            return null;
        }
        return "warning: an input partition may have gone " + longestQuiet.toMillis() + " ms without a record ("
                + longestQuietAt + "), not less than streamworks.idle-timeout (" + idleTimeout().toSeconds()
                + " s): it may have been idle and delivered again behind the watermark (docs/semantics.md's exception,"
                + " which the reference does not model); a loaded machine?";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Records the service's consumer group has still to process: inputs and repartition topics. */
    long lag() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Set<TopicPartition> partitions = new HashSet<>(committed.keySet());
            for (String stream : pipeline.streams()) {
                for (int p = 0; p < scenario.partitions(); p++) {
                    partitions.add(new TopicPartition(actualName.get(stream), p));
                }
            }
            for (String topic : admin.listTopics().names().get(10, TimeUnit.SECONDS)) {
                if (topic.startsWith(applicationId + "-") && topic.endsWith("-repartition")) {
                    admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic).partitions()
                            .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
                }
            }
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                    .get(10, TimeUnit.SECONDS);
            long lag = 0;
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata offset = committed.get(partition);
                lag += Math.max(0, ends.get(partition).offset() - (offset == null ? 0 : offset.offset()));
            }
            return lag;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            return Long.MAX_VALUE;
        }
    }

    private void awaitNoLag(Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> lag() == 0);
    }

    /** What the service wrote so far, per contract topic name, in the order read. */
    Map<String, List<Out>> actual() {
        Map<String, List<Out>> actual = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> record : reader.poll()) {
            String topic = logicalName.get(record.topic());
            boolean raw = topic.endsWith(".late") || topic.endsWith(".dlq");
            JsonNode value = raw || record.value() == null ? text(record.value()) : json(record.value());
            Header reason = record.headers().lastHeader("x-late-reason");
            String lateReason = reason == null ? null : new String(reason.value(), StandardCharsets.UTF_8);
            actual.computeIfAbsent(topic, t -> new ArrayList<>())
                    .add(new Out(record.key(), value, lateReason == null ? null : logicalName.getOrDefault(lateReason, lateReason)));
        }
        return actual;
    }

    private static JsonNode text(String value) {
        return value == null ? MAPPER.getNodeFactory().nullNode() : MAPPER.getNodeFactory().stringNode(value);
    }

    private static JsonNode json(String value) {
        try {
            return MAPPER.readTree(value);
        } catch (JacksonException e) {
            return text(value);
        }
    }

    private Comparison.Report awaitOutputs(Expected expected) {
        AtomicReference<Comparison.Report> report = new AtomicReference<>();
        long[] lastChange = {System.nanoTime()};
        int[] seen = {0};
        try {
            awaitSettled(expected, report, lastChange, seen);
        } catch (ConditionTimeoutException e) {
            log.warn("{} {}: outputs still changing or lag left after the time allowed", pipeline.service(), scenario);
            report.set(Comparison.compare(expected, actual(), EXAMPLES));
        }
        if (report.get().equal()) {
            int settled = seen[0];
            await().during(STABLE).atMost(STABLE.plusSeconds(10)).pollInterval(Duration.ofMillis(500))
                    .until(() -> reader.poll().size() == settled);
            report.set(Comparison.compare(expected, actual(), EXAMPLES));
        }
        log.info("{} {}:\n{}", pipeline.service(), scenario, report.get().counts());
        return report.get();
    }

    /** Until the outputs equal the reference, or nothing more arrives while the group's lag is 0. */
    private void awaitSettled(Expected expected, AtomicReference<Comparison.Report> report, long[] lastChange, int[] seen) {
        await().atMost(Duration.ofMinutes(scenario.large() ? 20 : 3)).pollInterval(Duration.ofMillis(500)).until(() -> {
            int size = reader.poll().size();
            if (size != seen[0]) {
                seen[0] = size;
                lastChange[0] = System.nanoTime();
                return false;
            }
            Duration quiet = Duration.ofNanos(System.nanoTime() - lastChange[0]);
            if (quiet.compareTo(Duration.ofSeconds(1)) < 0 || lag() != 0) {
                return false;
            }
            report.set(Comparison.compare(expected, actual(), EXAMPLES));
            return report.get().equal() || quiet.compareTo(quiet()) >= 0;
        });
    }

    @Override
    public void close() {
        instances.forEach(RunningService::close);
        if (reader != null) {
            reader.close();
        }
        if (clients != null) {
            clients.close();
        }
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
