package dev.streamworks.common.config;

import dev.streamworks.common.ops.ConsumerLag;
import dev.streamworks.common.ops.ProgressEndpoint;
import dev.streamworks.common.ops.ProgressReporter;
import dev.streamworks.common.ops.StreamsMeters;
import dev.streamworks.common.ops.StreamsState;
import dev.streamworks.common.ops.StuckDetector;
import dev.streamworks.common.ops.StreamworksMetrics;
import dev.streamworks.common.page.LivePage;
import dev.streamworks.common.query.KeyOwners;
import dev.streamworks.common.query.ProblemErrorController;
import dev.streamworks.common.query.QueryApiDocs;
import dev.streamworks.common.query.QueryErrorHandler;
import dev.streamworks.common.streams.BoundedRocksDbMemory;
import dev.streamworks.common.streams.CommitPacing;
import dev.streamworks.common.streams.DeadLetterLimit;
import dev.streamworks.common.streams.StreamsSettings;
import dev.streamworks.common.time.EventTime;
import dev.streamworks.common.time.PartitionCounts;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.config.MeterFilter;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.kafka.annotation.EnableKafkaStreams;
import org.springframework.kafka.annotation.KafkaStreamsDefaultConfiguration;
import org.springframework.kafka.config.KafkaStreamsConfiguration;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.config.StreamsBuilderFactoryBeanConfigurer;
import org.springframework.kafka.core.KafkaAdmin;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The wiring every service shares, imported explicitly by each service's streams configuration
 * (never applied behind its back): Streams settings, dead-letter counting, topic creation,
 * health, metrics and the progress endpoint. A service adds a {@link ServiceDescriptor} bean and
 * its topology.
 */
@Configuration(proxyBeanMethods = false)
@EnableKafkaStreams
@EnableConfigurationProperties(StreamworksProperties.class)
public class StreamworksConfiguration {

    private static final Logger log = LoggerFactory.getLogger(StreamworksConfiguration.class);

    @Bean
    StreamworksMetrics streamworksMetrics(MeterRegistry registry, ServiceDescriptor service) {
        StreamworksMetrics metrics = new StreamworksMetrics(registry, Clock.systemUTC());
        metrics.declare(service.inputs(), service.outputs());
        return metrics;
    }

    @Bean
    StreamsState streamsState(MeterRegistry registry) {
        StreamsState state = new StreamsState();
        Gauge.builder("streamworks.streams.ready", state, s -> s.isReady() ? 1 : 0)
                .description("1 while Kafka Streams is RUNNING (or rebalancing after it ran): the readiness probe")
                .register(registry);
        Gauge.builder("streamworks.streams.alive", state, s -> s.isAlive() ? 1 : 0)
                .description("0 once the Kafka Streams client is dead: the liveness probe").register(registry);
        return state;
    }

    @Bean
    HealthIndicator kafkaStreams(StreamsState state) {
        return state.readiness();
    }

    @Bean
    HealthIndicator kafkaStreamsLiveness(StreamsState state) {
        return state.liveness();
    }

    /** The one RocksDB memory pool of the process, bounded by {@code streamworks.rocksdb.total-memory}. */
    @Bean
    MeterBinder rocksDbMemoryMeters() {
        return registry -> {
            Gauge.builder("streamworks.rocksdb.memory.used", BoundedRocksDbMemory::usedBytes).baseUnit("bytes")
                    .description("Off-heap memory the shared RocksDB block cache holds, memtables included")
                    .register(registry);
            Gauge.builder("streamworks.rocksdb.memory.limit", BoundedRocksDbMemory::totalBytes).baseUnit("bytes")
                    .description("Bound of the shared RocksDB memory pool").register(registry);
        };
    }

    /** Kafka meters that can go negative (RocksDB's open files is -1) would fail the whole scrape. */
    @Bean
    MeterFilter negativeKafkaMetersFilter() {
        return MeterFilter.deny(id -> id.getName().equals("kafka.stream.state.number.open.files"));
    }

    /** The sizes learnt at start, shared by the Streams settings and the dead-letter handlers. */
    static final class RecordSizing {

        private static final String MAX_REQUEST_SIZE = StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);

        final DeadLetterLimit deadLetterLimit = new DeadLetterLimit(0);
        volatile boolean requestSizeExplicit;

        /** Sizes the producer and the dead letters to what the cluster accepts, unless set explicitly. */
        void apply(TopicCreator.Sizes sizes, StreamworksProperties props, StreamsBuilderFactoryBean factory) {
            Properties config = factory.getStreamsConfiguration();
            if (!requestSizeExplicit) {
                config.put(MAX_REQUEST_SIZE, Math.max(sizes.recordBytes(), props.internalRecordBytes()));
            }
            int maxRequestSize = Integer.parseInt(String.valueOf(config.get(MAX_REQUEST_SIZE)));
            deadLetterLimit.set(sizes.deadLetterLimit(maxRequestSize));
            factory.setStreamsConfiguration(config);
        }
    }

    @Bean
    RecordSizing recordSizing() {
        return new RecordSizing();
    }

    /**
     * Kafka Streams' meters without the ones unsafe to read ({@link StreamsMeters}): applied after
     * Spring Boot's configurer, whose listener it replaces.
     */
    @Bean
    StreamsBuilderFactoryBeanConfigurer safeStreamsMeters(MeterRegistry registry) {
        return new StreamsBuilderFactoryBeanConfigurer() {
            @Override
            public void configure(StreamsBuilderFactoryBean factory) {
                StreamsMeters.replaceOn(factory, registry);
            }

            @Override
            public int getOrder() {
                return Ordered.LOWEST_PRECEDENCE;
            }
        };
    }

    /**
     * How long a shutdown waits for Kafka Streams to close (commit, flush the stores, write the
     * checkpoints): above spring-kafka's 10 s, which under exactly-once can abort the last
     * transaction and leave the state to be restored. Property {@code streamworks.close-timeout}.
     */
    static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(60);

    @Bean
    StreamsBuilderFactoryBeanConfigurer streamworksStreamsConfigurer(StreamworksProperties props,
                                                                    StreamsState state,
                                                                    StreamworksMetrics metrics,
                                                                    RecordSizing sizing,
                                                                    CommitPacing.Pacer pacer,
                                                                    Environment environment) {
        Duration closeTimeout = environment.getProperty("streamworks.close-timeout", Duration.class,
                DEFAULT_CLOSE_TIMEOUT);
        return factory -> {
            Properties config = factory.getStreamsConfiguration();
            String applicationId = config.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
            sizing.requestSizeExplicit = config.containsKey(RecordSizing.MAX_REQUEST_SIZE);
            // explicit spring.kafka.streams.properties.* win over the streamworks.* defaults
            StreamsSettings.of(props, applicationId, metrics).forEach(config::putIfAbsent);
            config.put(DeadLetterLimit.CONFIG, sizing.deadLetterLimit);
            config.put(CommitPacing.CONFIG, pacer);
            factory.setStreamsConfiguration(config);
            factory.setStateListener(state);
            factory.setLeaveGroupOnClose(props.leaveGroupOnClose());
            factory.setCloseTimeout((int) closeTimeout.toSeconds());
            factory.setStreamsUncaughtExceptionHandler(error -> {
                log.error("Stream thread died; replacing it", error);
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            });
        };
    }

    /**
     * The lag of each input partition behind the service's group (for idleness), read with Admin
     * every second from when the service starts.
     */
    @Bean
    ConsumerLag inputLag(ServiceDescriptor service, KafkaAdmin kafkaAdmin,
                         @Qualifier(KafkaStreamsDefaultConfiguration.DEFAULT_STREAMS_CONFIG_BEAN_NAME)
                         KafkaStreamsConfiguration streamsConfig) {
        return new ConsumerLag(() -> Admin.create(kafkaAdmin.getConfigurationProperties()),
                applicationId(streamsConfig), service.inputs(), Duration.ofSeconds(1));
    }

    /** The input lag (records) from which a service commits at the catch-up interval ({@link CommitPacing}). */
    static final long DEFAULT_CATCH_UP_LAG = 50_000;

    /**
     * Exactly-once commits paced by the inputs' backlog: every {@code streamworks.commit.live-interval}
     * while caught up, every {@code commit.interval.ms} while the inputs hold at least
     * {@code streamworks.commit.catch-up-lag} records ({@link CommitPacing}).
     */
    @Bean
    CommitPacing.Pacer commitPacer(ConsumerLag lag, Environment environment) {
        return new CommitPacing.Pacer(lag::total,
                environment.getProperty("streamworks.commit.live-interval", Duration.class, StreamsSettings.LIVE_COMMIT_INTERVAL),
                environment.getProperty("streamworks.commit.catch-up-lag", Long.class, DEFAULT_CATCH_UP_LAG));
    }

    @Bean
    MeterBinder commitPacingMeters(CommitPacing.Pacer pacer) {
        return registry -> {
            Gauge.builder("streamworks.commit.catching.up", pacer, p -> p.lastCatchingUp() ? 1 : 0)
                    .description("1 while the inputs hold a backlog and the service commits at the catch-up interval")
                    .register(registry);
            Gauge.builder("streamworks.commit.paced.tasks", pacer, CommitPacing.Pacer::pacedTasks)
                    .description("Tasks that ask for a commit at the live interval while caught up")
                    .register(registry);
        };
    }

    @Bean
    SmartLifecycle inputLagReader(ConsumerLag lag) {
        return new OneShotLifecycle(Integer.MAX_VALUE - 1000, lag::start, lag::close);
    }

    /**
     * Event time across the service's repartitions: partition counts of its inputs read with Admin
     * when the topology is built, the inputs' lag for idleness.
     */
    @Bean
    EventTime eventTime(StreamworksProperties props, ServiceDescriptor service, KafkaAdmin kafkaAdmin,
                        ConsumerLag lag, MeterRegistry registry, Environment environment) {
        PartitionCounts partitions = partitionCounts(environment, props, service,
                () -> Admin.create(kafkaAdmin.getConfigurationProperties()));
        return new EventTime(props.eventTime(), partitions, lag, service.inputs(), registry);
    }

    /**
     * The inputs' partition counts, read from the broker when the topology is built; in a training
     * run ({@link #isTrainingRun}) the count the service would create them with, without a broker.
     */
    static PartitionCounts partitionCounts(Environment environment, StreamworksProperties props,
                                           ServiceDescriptor service, java.util.function.Supplier<Admin> admin) {
        int forMissing = props.topics().partitions();
        if (isTrainingRun(environment)) {
            // the class-data training run builds the topology to load its classes and exits before
            // anything starts: there is no broker to ask (an image build), and the counts are never used
            log.info("Training run ({}=onRefresh): the topology is built with {} partitions per input, without "
                    + "asking a broker", CONTEXT_EXIT, forMissing);
            return topic -> forMissing;
        }
        return new TopicPartitionCounts(admin, service.inputs(), forMissing, Duration.ofSeconds(60));
    }

    /** Spring's property that ends a run right after the context refresh, before any lifecycle starts. */
    static final String CONTEXT_EXIT = "spring.context.exit";

    /**
     * A class-data-sharing training run ({@code -Dspring.context.exit=onRefresh}, deploy/docker/Dockerfile):
     * Spring refreshes the context and exits before starting Kafka Streams, the web server or anything else.
     */
    static boolean isTrainingRun(Environment environment) {
        return "onRefresh".equalsIgnoreCase(environment.getProperty(CONTEXT_EXIT));
    }

    @Bean
    TopicCreator topicCreator(StreamworksProperties props, KafkaAdmin kafkaAdmin) {
        return new TopicCreator(() -> Admin.create(kafkaAdmin.getConfigurationProperties()), props);
    }

    /**
     * Creates missing topics before Streams starts (Streams stops on a missing source topic), and
     * sizes what the service writes to what its inputs accept.
     */
    @Bean
    SmartLifecycle topicCreation(TopicCreator creator, ServiceDescriptor service,
                                 @Qualifier(KafkaStreamsDefaultConfiguration.DEFAULT_STREAMS_CONFIG_BEAN_NAME)
                                 KafkaStreamsConfiguration streamsConfig,
                                 RecordSizing sizing, StreamworksProperties props, StreamsBuilderFactoryBean factory,
                                 MeterRegistry registry) {
        String applicationId = applicationId(streamsConfig);
        return new OneShotLifecycle(Integer.MAX_VALUE - 2000, () -> {
            TopicCreator.Sizes sizes = creator.prepare(applicationId, service, Duration.ofSeconds(60));
            sizing.apply(sizes, props, factory);
            sizes.timeRetention().forEach((topic, retention) -> Gauge.builder("streamworks.topic.time.retention",
                            () -> retention / 1000.0).baseUnit("seconds").tag("topic", topic)
                    .description("An existing topic the service writes to deletes records older than this (by their "
                            + "event-time timestamps): a replay of older events would lose them")
                    .register(registry));
        }, () -> { });
    }

    @Bean
    ProgressReporter progressReporter(StreamsBuilderFactoryBean factory, StreamsState state, ServiceDescriptor service,
                                      StreamworksMetrics metrics, StreamworksProperties props, EventTime eventTime,
                                      @Qualifier(KafkaStreamsDefaultConfiguration.DEFAULT_STREAMS_CONFIG_BEAN_NAME)
                                      KafkaStreamsConfiguration streamsConfig,
                                      Environment environment) {
        String applicationId = applicationId(streamsConfig);
        return new ProgressReporter(applicationId, environment.getProperty("spring.application.name", applicationId),
                () -> factory.getKafkaStreams() == null ? Map.of() : factory.getKafkaStreams().metrics(),
                () -> inputOffsets(factory.getKafkaStreams()), service.inputs(), service.outputs(),
                state, metrics, eventTime::watermarks,
                props.progress().maxStateRows(), props.progress().fallingBehindRatio(), props.progress().history());
    }

    /** The committed and end offsets of the input partitions of this instance's active tasks. */
    private static Map<TopicPartition, ProgressReporter.PartitionOffsets> inputOffsets(KafkaStreams streams) {
        if (streams == null) {
            return Map.of();
        }
        Map<TopicPartition, ProgressReporter.PartitionOffsets> offsets = new HashMap<>();
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                task.committedOffsets().forEach((partition, committed) -> {
                    if (committed >= 0) {
                        offsets.put(partition, new ProgressReporter.PartitionOffsets(committed, task.endOffsets().getOrDefault(partition, committed)));
                    }
                });
            }
        }
        return offsets;
    }

    @Bean
    ProgressEndpoint progressEndpoint(ProgressReporter reporter) {
        return new ProgressEndpoint(reporter);
    }

    @Bean
    KeyOwners keyOwners(StreamsBuilderFactoryBean factory,
                        @Qualifier(KafkaStreamsDefaultConfiguration.DEFAULT_STREAMS_CONFIG_BEAN_NAME)
                        KafkaStreamsConfiguration streamsConfig, Environment environment) {
        String server = streamsConfig.asProperties().getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG,
                "localhost:" + environment.getProperty("server.port", "8080"));
        return new KeyOwners(factory::getKafkaStreams, server);
    }

    @Bean
    QueryErrorHandler queryErrorHandler() {
        return new QueryErrorHandler();
    }

    /** Every error of the query API, Spring's own included (a request that reached {@code /error}), as a problem. */
    @Bean
    ProblemErrorController problemErrorController(org.springframework.boot.webmvc.error.ErrorAttributes errorAttributes) {
        return new ProblemErrorController(errorAttributes);
    }

    /** {@code /v3/api-docs}: the query endpoints with the problems they answer. */
    @Bean
    QueryApiDocs queryApiDocs(Environment environment) {
        String name = environment.getProperty("spring.application.name", "streamworks");
        return new QueryApiDocs(name + " query API", "Read-only queries over the state of " + name
                + "; any instance answers any key (forwarded to the instance that owns it). Errors are RFC 7807 "
                + "problems (application/problem+json).");
    }

    /** The live page's topology diagram ({@code /} is the page itself, a static resource). */
    @Bean
    LivePage livePage(StreamsBuilderFactoryBean factory) {
        return new LivePage(factory::getTopology);
    }

    /** Watches for stuck processing; its Admin client asks for the group's committed offsets. */
    @Bean(destroyMethod = "close")
    StuckWatch stuckWatch(StreamsBuilderFactoryBean factory, StreamsState state, StreamworksProperties props,
                          KafkaAdmin kafkaAdmin, MeterRegistry registry,
                          @Qualifier(KafkaStreamsDefaultConfiguration.DEFAULT_STREAMS_CONFIG_BEAN_NAME)
                          KafkaStreamsConfiguration streamsConfig) {
        StuckWatch watch = new StuckWatch(() -> Admin.create(kafkaAdmin.getConfigurationProperties()),
                applicationId(streamsConfig));
        watch.detector = new StuckDetector(factory::getKafkaStreams, watch::committed, state, props.stuckAfter(),
                Clock.systemUTC());
        Gauge.builder("streamworks.streams.stuck", state, s -> s.stuckReason() == null ? 0 : 1)
                .description("1 while the inputs have lag and nothing was committed for streamworks.stuck-after:"
                        + " readiness is DOWN").register(registry);
        return watch;
    }

    /** The stuck detector and the Admin client it reads committed offsets with, opened on first use. */
    static final class StuckWatch implements AutoCloseable {

        private final java.util.function.Supplier<Admin> adminFactory;
        private final String groupId;
        private Admin admin;
        StuckDetector detector;

        StuckWatch(java.util.function.Supplier<Admin> adminFactory, String groupId) {
            this.adminFactory = adminFactory;
            this.groupId = groupId;
        }

        synchronized Map<TopicPartition, Long> committed(Set<TopicPartition> partitions) {
            if (admin == null) {
                admin = adminFactory.get();
            }
            try {
                Map<TopicPartition, Long> offsets = new HashMap<>();
                admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
                        .forEach((partition, offset) -> {
                            if (partitions.contains(partition) && offset != null) {
                                offsets.put(partition, offset.offset());
                            }
                        });
                return offsets;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while reading committed offsets", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("Cannot read the committed offsets of " + groupId, e);
            }
        }

        @Override
        public synchronized void close() {
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
            }
        }
    }

    /** Measures progress every {@code streamworks.progress.interval}, as Spark does per trigger. */
    @Bean
    SmartLifecycle progressSampler(ProgressReporter reporter, StreamworksProperties props, StuckWatch stuck) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "streamworks-progress");
            thread.setDaemon(true);
            return thread;
        });
        long interval = props.progress().interval().toMillis();
        return new OneShotLifecycle(Integer.MAX_VALUE,
                () -> scheduler.scheduleAtFixedRate(() -> {
                    try {
                        reporter.measure();
                    } catch (RuntimeException e) {
                        log.warn("Progress measurement failed", e);
                    }
                    try {
                        stuck.detector.sample();
                    } catch (RuntimeException e) {
                        log.warn("Stuck detection failed: {}", e.toString());
                    }
                }, interval, interval, TimeUnit.MILLISECONDS),
                scheduler::shutdownNow);
    }

    /** The Kafka Streams {@code application.id}: the {@code <service>} of the service's topic names. */
    public static String applicationId(KafkaStreamsConfiguration streamsConfig) {
        return streamsConfig.asProperties().getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
    }

    /** A lifecycle that runs one action on start and one on stop, in a given phase. */
    static final class OneShotLifecycle implements SmartLifecycle {

        private final int phase;
        private final Runnable onStart;
        private final Runnable onStop;
        private volatile boolean running;

        OneShotLifecycle(int phase, Runnable onStart, Runnable onStop) {
            this.phase = phase;
            this.onStart = onStart;
            this.onStop = onStop;
        }

        @Override
        public void start() {
            onStart.run();
            running = true;
        }

        @Override
        public void stop() {
            onStop.run();
            running = false;
        }

        @Override
        public boolean isRunning() {
            return running;
        }

        @Override
        public int getPhase() {
            return phase;
        }
    }
}
