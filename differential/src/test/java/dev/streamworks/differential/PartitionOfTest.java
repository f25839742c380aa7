package dev.streamworks.differential;

import dev.streamworks.differential.gen.Layout;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The generators place records by Kafka's default partitioner, written out in {@link Layout}: the same partitions. */
class PartitionOfTest {

    @Test
    void shouldPlaceEveryKeyWhereKafkasDefaultPartitionerDoes() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder key = new StringBuilder();
            int length = random.nextInt(24);
            for (int c = 0; c < length; c++) {
                key.append((char) (random.nextBoolean() ? 'a' + random.nextInt(26) : 0x20 + random.nextInt(0x3000)));
            }
            int partitions = 1 + random.nextInt(12);
            byte[] bytes = key.toString().getBytes(StandardCharsets.UTF_8);
            assertThat(Layout.partitionOf(key.toString(), partitions)).as("%s of %d (seed %d)", key, partitions, seed)
                    .isEqualTo(Utils.toPositive(Utils.murmur2(bytes)) % partitions);
        }
    }
}
