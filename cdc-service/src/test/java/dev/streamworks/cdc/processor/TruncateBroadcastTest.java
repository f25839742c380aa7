package dev.streamworks.cdc.processor;

import dev.streamworks.cdc.Changes;
import dev.streamworks.cdc.domain.SourceChange;
import dev.streamworks.common.serde.Parsed;
import dev.streamworks.common.testing.TestTimes;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.internals.DefaultStreamPartitioner;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

import static dev.streamworks.common.testing.TestTimes.minutes;
import static org.assertj.core.api.Assertions.assertThat;

class TruncateBroadcastTest {

    private final ChangeSerde serde = new ChangeSerde(1 << 20, Duration.ofHours(1), TestTimes.CLOCK);
    private final TruncateBroadcast partitioner = new TruncateBroadcast();

    private Parsed<SourceChange> parsed(String json) {
        return serde.deserializer().deserialize("t", json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldSendATruncateToEveryPartition() {
        Parsed<SourceChange> truncate = parsed(Changes.postgres("t", null, null, "[\"1\",\"2\"]", 2, minutes(1)));

        assertThat(partitioner.partitions("r", TruncateBroadcast.TRUNCATE_KEY, truncate, 6))
                .contains(Set.of(0, 1, 2, 3, 4, 5));
    }

    @Test
    void shouldPartitionRowsExactlyAsTheDefaultPartitionerSoQueriesFindThem() {
        // Kafka 4.4 (KIP-1321): the default partitioner answers only the headers-aware call
        DefaultStreamPartitioner<String, Object> standard = new DefaultStreamPartitioner<>(Serdes.String().serializer());
        Parsed<SourceChange> insert = parsed(Changes.insert(Changes.user(1, "a", "new"), 4, minutes(1)));

        for (String key : new String[] {"1", "7", "42|eu", "u-12345"}) {
            assertThat(partitioner.partitions("r", key, insert, 6)).isEqualTo(standard.partitions("r", key, null, new RecordHeaders(), 6));
        }
    }
}
