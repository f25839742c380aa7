package dev.streamworks.clickstream.processor;

import dev.streamworks.clickstream.ClickstreamProperties;
import dev.streamworks.common.event.Click;
import dev.streamworks.common.event.Impression;
import dev.streamworks.common.serde.BinaryCodec;
import dev.streamworks.common.serde.BinaryReader;
import dev.streamworks.common.serde.BinaryWriter;
import dev.streamworks.common.time.SlottedStore;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The state of the click-impression join ({@link MatchProcessor}) and its rule, without Kafka's
 * record plumbing: per side one {@link SlottedStore} keyed by the time slot of the record's event
 * time, then (user, event time, offset), duplicates kept.
 * <p>
 * Lateness, per side and by the record's read watermark: a click is late when {@code click_time +
 * click-grace <= rwm}, an impression when {@code impression_time + impression-grace <= rwm}; a late
 * record is neither matched nor kept. A record that is not late is matched against the other side's
 * records of its user with {@code impression_time <= click_time <= impression_time + interval}, then
 * kept.
 * <p>
 * How long a record is kept. A record is only useful to records of the other side that arrive after
 * it and are not late, and every such record {@code r} has {@code rwm(r) >= W}, the watermark now (it
 * is the minimum over the input partitions of their stream times, which never decrease, and
 * {@code rwm(r)} is one of them after reading {@code r}); so its time {@code t} has {@code t + grace >
 * rwm(r) >= W}.
 * <ul>
 * <li>An impression at {@code i} with {@code i + interval + click-grace <= W}: a click to come at
 * {@code c} has {@code c + click-grace > W >= i + interval + click-grace}, so {@code c > i +
 * interval}: no match.
 * <li>A click at {@code c} with {@code c + impression-grace <= W}: an impression to come at {@code i}
 * has {@code i + impression-grace > W >= c + impression-grace}, so {@code i > c}: no match.
 * </ul>
 * Lifetimes: impressions {@code interval + click-grace}, clicks {@code impression-grace}. Once a
 * record's {@code time + lifetime <= W}, it can match nothing to come, and since W never decreases it
 * stays so: deleting it at any time after that point, one slot later as {@link SlottedStore} does
 * (a slot goes when its last millisecond is due), emits exactly the same pairs as deleting it at that
 * point (which the time indexes of the earlier layout did), and the same as a join that keeps
 * everything forever. For the same reason a record whose slot the watermark has already deleted is
 * not kept. The one case where a record to come may have {@code rwm < W} is a partition that was idle
 * and delivers again (docs/semantics.md section 1): there, keeping a record longer can only add pairs
 * of the batch definition that an exact eviction would have lost, never remove one.
 * <p>
 * Slots: the interval long (at least a minute), so a lookup over an interval is two range scans, and
 * a record is kept at most one interval longer than its lifetime.
 */
final class MatchState {

    static final long MIN_SLOT_MS = 60_000;

    private final long intervalMs;
    private final long clickGraceMs;
    private final long impressionGraceMs;
    private final SlottedStore<Impression> impressions;
    private final SlottedStore<Click> clicks;

    MatchState(ClickstreamProperties.Matches rule, KeyValueStore<Bytes, Impression> impressions,
               KeyValueStore<Bytes, Click> clicks) {
        this.intervalMs = rule.interval().toMillis();
        this.clickGraceMs = rule.clickGrace().toMillis();
        this.impressionGraceMs = rule.impressionGrace().toMillis();
        long slotMs = slotMs(rule);
        this.impressions = new SlottedStore<>(impressions, slotMs, intervalMs + clickGraceMs);
        this.clicks = new SlottedStore<>(clicks, slotMs, impressionGraceMs);
    }

    static long slotMs(ClickstreamProperties.Matches rule) {
        return Math.max(rule.interval().toMillis(), MIN_SLOT_MS);
    }

    static StoreBuilder<KeyValueStore<Bytes, Impression>> impressionsStore() {
        return SlottedStore.storeBuilder(MatchProcessor.IMPRESSIONS_STORE, serde(new ImpressionCodec()));
    }

    static StoreBuilder<KeyValueStore<Bytes, Click>> clicksStore() {
        return SlottedStore.storeBuilder(MatchProcessor.CLICKS_STORE, serde(new ClickCodec()));
    }

    /**
     * Matches a click against the kept impressions and keeps it.
     *
     * @param offset a unique suffix per record of this task's partition: two equal clicks are two records
     * @return false when the click is late (then nothing is matched or kept)
     */
    boolean click(Click click, long rwm, long offset, Consumer<Impression> matched) {
        long time = click.eventTime().toEpochMilli();
        if (time + clickGraceMs <= rwm) {
            return false;
        }
        between(impressions, click.userId(), time - intervalMs, time, matched);
        clicks.put(time, suffix(click.userId(), time, offset), click);
        return true;
    }

    /** As {@link #click}, for an impression. */
    boolean impression(Impression impression, long rwm, long offset, Consumer<Click> matched) {
        long time = impression.eventTime().toEpochMilli();
        if (time + impressionGraceMs <= rwm) {
            return false;
        }
        between(clicks, impression.userId(), time, time + intervalMs, matched);
        impressions.put(time, suffix(impression.userId(), time, offset), impression);
        return true;
    }

    /** Deletes the slots of both sides that the watermark has made useless. */
    void evict(long watermark) {
        impressions.evict(watermark);
        clicks.evict(watermark);
    }

    /** The live slots of each side (tests). */
    SlottedStore<Impression> impressions() {
        return impressions;
    }

    SlottedStore<Click> clicks() {
        return clicks;
    }

    /** Every kept record of {@code user} with event time in {@code [from, to]}, in time order. */
    private static <T> void between(SlottedStore<T> side, String user, long from, long to, Consumer<T> each) {
        side.range(from, to, suffix(user, from, Long.MIN_VALUE), suffix(user, to, Long.MAX_VALUE), each);
    }

    /** (user length, user, event time, offset), numbers with the sign bit flipped: byte order is their order. */
    private static byte[] suffix(String user, long time, long offset) {
        byte[] u = user.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + u.length + 16).putInt(u.length).put(u).putLong(time ^ Long.MIN_VALUE)
                .putLong(offset ^ Long.MIN_VALUE).array();
    }

    private static <T> Serde<T> serde(BinaryCodec<T> codec) {
        return Serdes.serdeFrom((topic, value) -> {
            if (value == null) {
                return null;
            }
            BinaryWriter out = new BinaryWriter(64);
            codec.write(value, out);
            return out.toByteArray();
        }, (topic, bytes) -> bytes == null ? null : codec.read(new BinaryReader(bytes, 0)));
    }
}
