package dev.streamworks.common.config;

import dev.streamworks.common.testing.KafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.util.unit.DataSize;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@Tag("integration")
@Timeout(120)
class TopicCreatorIT {

    private static Admin admin;

    @BeforeAll
    static void connect() {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.shared().bootstrapServers()));
    }

    @AfterAll
    static void close() {
        admin.close();
    }

    @Test
    void shouldCreateMissingTopicsWithRoomInTheDeadLetterTopicsAndLeaveExistingOnesAlone() throws Exception {
        // an input that accepts records up to 3 MiB: the dead-letter and late topics must hold them
        admin.createTopics(List.of(new NewTopic("creator-it-input", 1, (short) 1)
                .configs(Map.of("max.message.bytes", String.valueOf(3 * 1024 * 1024))))).all().get(30, TimeUnit.SECONDS);
        StreamworksProperties defaults = StreamworksProperties.defaults();
        StreamworksProperties props = new StreamworksProperties(null, defaults.guarantee(), DataSize.ofMegabytes(1),
                defaults.maxFutureSkew(), null, false, new StreamworksProperties.Topics(3, (short) 1, null),
                defaults.progress(), defaults.rocksdb(), defaults.stuckAfter(), null, defaults.idleTimeout(), false);
        AtomicInteger clients = new AtomicInteger();
        TopicCreator creator = new TopicCreator(() -> {
            clients.incrementAndGet();
            return newAdmin();
        }, props);
        ServiceDescriptor service = new ServiceDescriptor(List.of("creator-it-input"), List.of("creator-it-output"),
                List.of("creator-it-table"));

        TopicCreator.Sizes first = creator.prepare("creator-it", service, Duration.ofSeconds(30));
        TopicCreator.Sizes again = creator.prepare("creator-it", service, Duration.ofSeconds(30));

        assertThat(clients).as("one Admin client per start (it is on the path of every restart)").hasValue(2);

        Map<String, TopicDescription> topics = admin.describeTopics(List.of("creator-it-input", "creator-it-output",
                "creator-it-table", "creator-it.dlq", "creator-it.late")).allTopicNames().get(30, TimeUnit.SECONDS);
        assertThat(topics.get("creator-it-input").partitions()).as("existing topic untouched").hasSize(1);
        assertThat(topics.get("creator-it-output").partitions()).hasSize(3);
        assertThat(topics.get("creator-it.dlq").partitions()).hasSize(3);
        int recordBytes = 3 * 1024 * 1024 + StreamworksProperties.HEADER_ROOM_BYTES;
        assertThat(first).isEqualTo(again).isEqualTo(new TopicCreator.Sizes(3 * 1024 * 1024, recordBytes, recordBytes, Map.of()));
        assertThat(config("creator-it.dlq").get("max.message.bytes").value()).isEqualTo(String.valueOf(recordBytes));
        assertThat(config("creator-it.late").get("max.message.bytes").value()).isEqualTo(String.valueOf(recordBytes));
        assertThat(config("creator-it-table").get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(config("creator-it-output").get("cleanup.policy").value()).isEqualTo("delete");
        for (String kept : List.of("creator-it-output", "creator-it.dlq", "creator-it.late")) {
            assertThat(config(kept).get("retention.ms").value()).as(kept + " keeps records of any age").isEqualTo("-1");
        }
    }

    @Test
    void shouldReportASmallerExistingDeadLetterTopicAndAnOutputThatDeletesOldEventTimes() throws Exception {
        admin.createTopics(List.of(new NewTopic("small-it.dlq", 1, (short) 1)
                .configs(Map.of("max.message.bytes", "100000")),
                new NewTopic("small-it-output", 1, (short) 1).configs(Map.of("retention.ms", "86400000")),
                new NewTopic("small-it-table", 1, (short) 1).configs(Map.of("retention.ms", "86400000")))).all()
                .get(30, TimeUnit.SECONDS);
        TopicCreator creator = new TopicCreator(() -> Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBroker.shared().bootstrapServers())), StreamworksProperties.defaults());
        ServiceDescriptor service = new ServiceDescriptor(List.of("small-it-input"), List.of("small-it-output"),
                List.of(), List.of("small-it-table"));

        TopicCreator.Sizes sizes = creator.prepare("small-it", service, Duration.ofSeconds(30));

        assertThat(sizes.deadLetterTopic()).isEqualTo(100_000);
        assertThat(sizes.deadLetterLimit(sizes.recordBytes())).isEqualTo(100_000);
        assertThat(sizes.largestInput()).as("the broker's default for a new input").isPositive();
        assertThat(sizes.timeRetention()).as("existing topics it writes whose retention deletes old event times, "
                        + "not a table it only reads")
                .containsExactly(Map.entry("small-it-output", 86_400_000L), Map.entry("small-it.dlq", 604_800_000L));
    }

    @Test
    void shouldReadThePartitionsOfEveryInputInOneRequestAndGiveAMissingOneTheCountItWillBeCreatedWith()
            throws Exception {
        admin.createTopics(List.of(new NewTopic("counts-it-a", 3, (short) 1), new NewTopic("counts-it-b", 1, (short) 1)))
                .all().get(30, TimeUnit.SECONDS);
        AtomicInteger clients = new AtomicInteger();
        TopicPartitionCounts counts = new TopicPartitionCounts(() -> {
            clients.incrementAndGet();
            return newAdmin();
        }, List.of("counts-it-a", "counts-it-missing", "counts-it-b"), 6, Duration.ofSeconds(30));

        assertThat(List.of(counts.of("counts-it-a"), counts.of("counts-it-missing"), counts.of("counts-it-b")))
                .containsExactly(3, 6, 1);
        assertThat(clients).hasValue(1);
    }

    private static Admin newAdmin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.shared().bootstrapServers()));
    }

    private static Config config(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
    }
}
