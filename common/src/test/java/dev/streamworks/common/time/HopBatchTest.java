package dev.streamworks.common.time;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The batch form of a repartition topic's records, and the packing of records into batches per partition. */
class HopBatchTest {

    /** A record as a test compares it: bytes as text, headers as key=value lines. */
    record Plain(String key, String value, long timestamp, List<String> headers) {
    }

    private static Plain plain(HopBatch.Inner inner) {
        List<String> headers = new ArrayList<>();
        inner.headers().forEach(h -> headers.add(h.key() + "=" + (h.value() == null ? "<null>" : Arrays.toString(h.value()))));
        return new Plain(text(inner.key()), text(inner.value()), inner.timestamp(), headers);
    }

    private static Plain plain(String key, String value, long timestamp, Headers headers) {
        return plain(new HopBatch.Inner(bytes(key), bytes(value), timestamp, headers));
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("every field of every record comes back, in order: null keys, heartbeats, empty values, null header values")
    void shouldReadBackWhatWasAdded() {
        Headers stamped = Stamp.record(7, 100, 90, 120).writeTo(new RecordHeaders());
        stamped.add(InternalHeaders.ORIGIN_KEY, bytes("input-key"));
        stamped.add("own", null);
        Headers heartbeat = Stamp.heartbeat(7, 95, 120, true, 96).writeTo(new RecordHeaders());
        HopBatch.Builder batch = new HopBatch.Builder();

        batch.add(bytes("user-1"), bytes("{\"a\":1}"), 1_000L, stamped);
        batch.add(null, null, 0L, heartbeat);
        batch.add(bytes("user-2"), new byte[0], Long.MAX_VALUE, new RecordHeaders());
        batch.add(bytes(""), bytes("x"), -1L, stamped);
        List<HopBatch.Inner> read = HopBatch.read(batch.toBytes());

        assertThat(read).map(HopBatchTest::plain).containsExactly(
                plain("user-1", "{\"a\":1}", 1_000L, stamped), plain(null, null, 0L, heartbeat),
                plain("user-2", "", Long.MAX_VALUE, new RecordHeaders()), plain("", "x", -1L, stamped));
        assertThat(Stamp.of(read.get(1).headers())).isEqualTo(Stamp.heartbeat(7, 95, 120, true, 96));
        assertThat(batch.count()).isEqualTo(4);
        assertThat(batch.lastTimestamp()).isEqualTo(-1L);
        assertThat(batch.bytes()).as("an upper bound of the size").isGreaterThanOrEqualTo(batch.toBytes().length);
    }

    @Test
    void shouldStartWithItsVersionAndRefuseAnother() {
        byte[] bytes = new HopBatch.Builder().toBytes();

        assertThat(bytes).containsExactly(HopBatch.VERSION);
        assertThat(HopBatch.read(bytes)).isEmpty();
        assertThatThrownBy(() -> HopBatch.read(new byte[] {2, 0})).isInstanceOf(SerializationException.class)
                .hasMessageContaining("version 2");
        assertThatThrownBy(() -> HopBatch.read(new byte[0])).isInstanceOf(SerializationException.class);
    }

    @Test
    @DisplayName("a batch record is told from a plain one (an older version's) by its header")
    void shouldTellABatchFromAPlainRecord() {
        assertThat(HopBatch.isBatch(HopBatch.headers())).isTrue();
        assertThat(HopBatch.isBatch(Stamp.record(1, 2, 3, 4).writeTo(new RecordHeaders()))).isFalse();
        assertThat(HopBatch.headers().lastHeader(HopBatch.HEADER).value()).containsExactly(HopBatch.VERSION);
    }

    /** A batch the packer sent. */
    record Sent(int partition, List<Plain> records, long timestamp, int bytes) {
    }

    @Test
    @DisplayName("each partition's batches, read in the order sent, give its records in the order added, none held back after a flush")
    void shouldKeepEachPartitionsOrderAcrossBatches() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        int partitions = 4;
        int cap = 2_000;
        List<Sent> sent = new ArrayList<>();
        HopBatch.Packer packer = new HopBatch.Packer(partitions, cap, (partition, batch, timestamp) -> sent.add(
                new Sent(partition, HopBatch.read(batch).stream().map(HopBatchTest::plain).toList(), timestamp, batch.length)));
        List<List<Plain>> added = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            added.add(new ArrayList<>());
        }

        for (int i = 0; i < 3_000; i++) {
            int partition = random.nextInt(partitions);
            boolean heartbeat = random.nextInt(5) == 0;
            // mostly small records, now and then one larger than a batch may be
            String value = heartbeat ? null : "v".repeat(random.nextInt(10) == 0 ? random.nextInt(3 * cap) : random.nextInt(200));
            String key = heartbeat ? null : "k" + i;
            Headers headers = heartbeat ? Stamp.heartbeat(partition, i, i, false, i).writeTo(new RecordHeaders())
                    : Stamp.record(partition, i, i, i).writeTo(new RecordHeaders());
            packer.add(partition, bytes(key), bytes(value), i, headers);
            added.get(partition).add(plain(key, value, i, headers));
            if (random.nextInt(500) == 0) {
                packer.flushAll(); // a commit
                assertThat(packer.isEmpty()).isTrue();
            }
        }
        packer.flushAll();

        assertThat(packer.isEmpty()).isTrue();
        for (int p = 0; p < partitions; p++) {
            int partition = p;
            assertThat(sent.stream().filter(batch -> batch.partition() == partition)
                    .flatMap(batch -> batch.records().stream()).toList())
                    .as("partition %d, seed %d", p, seed).isEqualTo(added.get(p));
        }
        assertThat(sent).as("seed %d", seed).allSatisfy(batch -> {
            assertThat(batch.records()).isNotEmpty();
            assertThat(batch.timestamp()).isEqualTo(batch.records().get(batch.records().size() - 1).timestamp());
            if (batch.records().size() > 1) {
                assertThat(batch.bytes()).as("only a record alone goes beyond the cap").isLessThanOrEqualTo(cap);
            }
        });
        assertThat(sent.stream().mapToInt(batch -> batch.records().size()).max().orElse(0))
                .as("records share batches, seed %d", seed).isGreaterThan(5);
    }
}
