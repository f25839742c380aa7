package dev.streamworks.differential.gen;

import dev.streamworks.differential.ref.ClickstreamReference;
import dev.streamworks.differential.ref.Contract;
import dev.streamworks.differential.ref.Expected;
import dev.streamworks.differential.ref.FraudReference;
import dev.streamworks.differential.ref.IotReference;
import dev.streamworks.differential.ref.Out;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generators: deterministic per seed, every adversarial case present and doing what it is
 * there for (checked with the reference model, itself tested on hand-made inputs), entities keyed
 * to one partition, bad input flagged exactly where the contract says so.
 */
class GeneratorTest {

    private static final Instant BASE = Instant.parse("2025-12-09T10:00:00Z");
    private static final Contract.Settings SETTINGS = Contract.Settings.at(Instant.parse("2025-12-10T00:00:00Z"));
    private static final long SEED = Long.getLong("differential.seed", 0) == 0 ? 42 : Long.getLong("differential.seed");

    private static DataSet clicks(long seed, int partitions) {
        return ClickstreamGenerator.generate(seed, partitions, BASE, ClickstreamGenerator.Size.SHORT);
    }

    private static List<String> fingerprint(DataSet data) {
        return data.all().stream().map(rec -> rec.topic() + rec.partition() + rec.key() + rec.value() + rec.tags()).toList();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 6})
    void shouldGiveTheSameDataForTheSameSeedOnly(int partitions) {
        assertThat(fingerprint(clicks(SEED, partitions))).isEqualTo(fingerprint(clicks(SEED, partitions)));
        assertThat(clicks(SEED, partitions).chunkStart()).isEqualTo(clicks(SEED, partitions).chunkStart());
        assertThat(fingerprint(clicks(SEED, partitions))).isNotEqualTo(fingerprint(clicks(SEED + 1, partitions)));
        DataSet iot = IotGenerator.generate(SEED, partitions, BASE, IotGenerator.Size.SHORT);
        assertThat(fingerprint(iot)).isEqualTo(fingerprint(IotGenerator.generate(SEED, partitions, BASE, IotGenerator.Size.SHORT)));
        DataSet fraud = FraudGenerator.generate(SEED, partitions, BASE, FraudGenerator.Size.SHORT);
        assertThat(fingerprint(fraud)).isEqualTo(fingerprint(FraudGenerator.generate(SEED, partitions, BASE, FraudGenerator.Size.SHORT)));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 6})
    void shouldFlagBadInputExactlyWhereTheContractDoes(int partitions) {
        for (Rec rec : clicks(SEED, partitions).records()) {
            if (!rec.topic().equals(ClickstreamGenerator.USERS)) {
                assertThat(ClickstreamReference.isBad(rec, SETTINGS)).as(rec.toString()).isEqualTo(rec.malformed());
            }
        }
        for (Rec rec : IotGenerator.generate(SEED, partitions, BASE, IotGenerator.Size.SHORT).records()) {
            assertThat(IotReference.isBad(rec, SETTINGS)).as(rec.toString()).isEqualTo(rec.malformed());
        }
        for (Rec rec : FraudGenerator.generate(SEED, partitions, BASE, FraudGenerator.Size.SHORT).records()) {
            assertThat(FraudReference.isBad(rec, SETTINGS)).as(rec.toString()).isEqualTo(rec.malformed());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 6})
    void shouldKeepEachEntityAndEveryCopyInOnePartitionAndFeedEveryPartitionInEachChunk(int partitions) {
        for (DataSet data : List.of(clicks(SEED, partitions),
                IotGenerator.generate(SEED, partitions, BASE, IotGenerator.Size.SHORT),
                FraudGenerator.generate(SEED, partitions, BASE, FraudGenerator.Size.SHORT))) {
            Map<String, Integer> partitionOf = new HashMap<>();
            Map<String, Integer> copyPartition = new HashMap<>();
            for (Rec rec : data.all()) {
                assertThat(partitionOf.merge(rec.key(), rec.partition(), (a, b) -> a.equals(b) ? a : -1))
                        .as("one partition for %s in %s", rec.key(), data.describe()).isNotEqualTo(-1);
                if (rec.value() != null) {
                    assertThat(copyPartition.merge(rec.topic() + rec.value(), rec.partition(), (a, b) -> a.equals(b) ? a : -1))
                            .isNotEqualTo(-1);
                }
            }
            Set<String> channels = new HashSet<>();
            data.records().stream().filter(rec -> !rec.topic().equals(ClickstreamGenerator.USERS))
                    .forEach(rec -> channels.add(rec.topic() + "/" + rec.partition()));
            assertThat(channels).as("every partition of every stream fed").hasSize(
                    (int) data.topics().stream().filter(topic -> !topic.equals(ClickstreamGenerator.USERS)).count() * partitions);
            for (int c = 0; c + 1 < data.chunks(); c++) {
                int chunk = c;
                Set<String> remaining = new HashSet<>();
                data.records().subList(data.chunkStart().get(c), data.records().size())
                        .forEach(rec -> remaining.add(rec.topic() + "/" + rec.partition()));
                Set<String> fed = new HashSet<>();
                data.chunk(chunk).forEach(rec -> fed.add(rec.topic() + "/" + rec.partition()));
                remaining.removeIf(channel -> channel.startsWith(ClickstreamGenerator.USERS));
                assertThat(fed).as("chunk %d", chunk).containsAll(remaining);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 6})
    void shouldHoldEveryClickstreamCaseAndEachShouldDoWhatItIsFor(int partitions) {
        DataSet data = clicks(SEED, partitions);
        assertThat(data.tagCounts().keySet()).contains("out-of-order", "very-late-user", "dup-exact", "dup-resent-after-hour",
                "reused-id-after-hour", "burst", "burst-50", "burst-51", "burst-51-one-late", "session-gap-exact",
                "tie-session-gap-join", "tie-session-gap-split", "tie-session-start-gap", "impression-before",
                "tie-join-hour", "tie-join-same-time", "tie-join-hour-plus-1ms", "impression-after",
                "impression-never-clicked", "impression-late", "users-row", "users-change", "users-delete", "anchor",
                "window-start", "tie-window-grace-late", "tie-window-grace-ontime", "tie-hopping-grace-late-oldest",
                "tie-hopping-grace-ontime", "tie-anomaly-grace-late", "tie-anomaly-grace-ontime", "tie-join-click-grace-late",
                "tie-join-click-grace-ontime", "tie-session-grace-late", "tie-session-grace-ontime",
                "tie-dedup-read-hour", "tie-dedup-read-under-hour", "tie-dedup-time-hour", "tie-dedup-time-under-hour",
                "tie-impression-grace-late", "tie-impression-grace-ontime", "closing", "malformed",
                "malformed-click-fractional-quantity", "malformed-click-far-future", "malformed-click-before-1970",
                "malformed-click-oversize", "malformed-impression-unparseable-time");
        Expected expected = ClickstreamReference.compute(data, ClickstreamReference.Mode.BACKLOG, SETTINGS);
        assertLate(data, expected, ClickstreamReference.LATE, "tie-window-grace-late", ClickstreamReference.PRODUCTS, true);
        assertLate(data, expected, ClickstreamReference.LATE, "tie-window-grace-ontime", ClickstreamReference.PRODUCTS, false);
        assertLate(data, expected, ClickstreamReference.LATE, "tie-hopping-grace-late-oldest", ClickstreamReference.EVENT_TYPES, true);
        assertLate(data, expected, ClickstreamReference.LATE, "tie-hopping-grace-ontime", ClickstreamReference.EVENT_TYPES, false);
        assertLate(data, expected, ClickstreamReference.LATE, "tie-anomaly-grace-late", ClickstreamReference.ANOMALIES, true);
        assertLate(data, expected, ClickstreamReference.LATE, "tie-anomaly-grace-ontime", ClickstreamReference.ANOMALIES, false);
        assertLate(data, expected, ClickstreamReference.LATE, "tie-join-click-grace-late", ClickstreamReference.MATCHES, true);
        assertLate(data, expected, ClickstreamReference.LATE, "tie-join-click-grace-ontime", ClickstreamReference.MATCHES, false);
        assertLate(data, expected, ClickstreamReference.LATE, "tie-session-grace-late", ClickstreamReference.SESSIONS, true);
        assertLate(data, expected, ClickstreamReference.LATE, "tie-session-grace-ontime", ClickstreamReference.SESSIONS, false);
        assertLate(data, expected, ClickstreamReference.LATE, "tie-impression-grace-late", ClickstreamReference.MATCHES, true);
        assertLate(data, expected, ClickstreamReference.LATE, "tie-impression-grace-ontime", ClickstreamReference.MATCHES, false);
        assertLate(data, expected, ClickstreamReference.LATE, "very-late-user", ClickstreamReference.SESSIONS, true);
        // a copy read exactly an hour after its first is counted again (late for its closed window), 1 ms less is dropped
        assertLate(data, expected, ClickstreamReference.LATE, "tie-dedup-read-hour", ClickstreamReference.PRODUCTS, true);
        assertLate(data, expected, ClickstreamReference.LATE, "tie-dedup-read-under-hour", ClickstreamReference.PRODUCTS, false);
        assertThat(anomalies(expected, "t-burst-51")).isEqualTo(1);
        assertThat(anomalies(expected, "t-burst-50")).isZero();
        assertThat(anomalies(expected, "t-burst-51-one-late")).isZero();
        assertThat(expected.records(ClickstreamReference.ANOMALIES)).hasSizeGreaterThanOrEqualTo(4);
        assertThat(expected.records(ClickstreamReference.DLQ)).hasSize((int) data.records().stream().filter(Rec::malformed).count());
        assertThat(expected.records(ClickstreamReference.SESSIONS)).hasSizeGreaterThan(100);
        assertThat(expected.records(ClickstreamReference.MATCHES)).hasSizeGreaterThan(100);
        assertThat(expected.records(ClickstreamReference.SEGMENTS).stream().map(Out::key).distinct())
                .contains("unknown", "gold", "platinum");
        // the users table changes in a chunk without clicks of that user (a live run cannot race it)
        for (Rec change : data.records()) {
            if (change.topic().equals(ClickstreamGenerator.USERS)) {
                int chunk = data.chunkOf().get(change);
                assertThat(data.chunk(chunk)).noneMatch(rec -> rec.topic().equals(ClickstreamGenerator.CLICKS)
                        && rec.key().equals(change.key()));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 6})
    void shouldHoldEveryIotCaseAndEachShouldDoWhatItIsFor(int partitions) {
        DataSet data = IotGenerator.generate(SEED, partitions, BASE, IotGenerator.Size.SHORT);
        assertThat(data.tagCounts().keySet()).contains("out-of-order", "late", "overheat", "tie-threshold",
                "tie-escalation-equal", "escalation", "overheat-late", "tie-grace-late", "tie-grace-ontime", "window-start",
                "closing", "malformed-reading-negative-battery", "malformed-reading-far-future", "malformed-reading-oversize");
        Expected expected = IotReference.compute(data, SETTINGS);
        assertLate(data, expected, IotReference.LATE, "tie-grace-late", IotReference.STATS, true);
        assertLate(data, expected, IotReference.LATE, "tie-grace-ontime", IotReference.STATS, false);
        assertLate(data, expected, IotReference.LATE, "overheat-late", IotReference.ALERTS, true);
        assertThat(expected.records(IotReference.ALERTS).stream().map(out -> out.value().path("alert_type").asString()))
                .contains("OVERHEAT", "OVERHEAT_ESCALATED");
        assertThat(expected.records(IotReference.ALERTS)).noneMatch(out -> out.value().path("max_temp").asDouble() == 80.0);
        assertThat(expected.records(IotReference.STATS)).hasSizeGreaterThan(100);
        // readings that stay in their partition through the repartition by device (the local hop),
        // readings that move, and readings whose key is not their device
        assertLocalAndMoving(data, partitions, "device_id", "key-not-device");
    }

    /**
     * Records that stay in their partition through the repartition by {@code field} (the local hop),
     * records that move (with several partitions), and records whose key is not {@code field}.
     */
    private static void assertLocalAndMoving(DataSet data, int partitions, String field, String keyTag) {
        Predicate<Rec> stays = rec -> rec.partition() == Layout.partitionOf(fieldOf(rec, field), partitions);
        List<Rec> valid = data.records().stream().filter(rec -> !rec.malformed()).toList();
        assertThat(valid).filteredOn(stays).hasSizeGreaterThan(valid.size() / 4);
        if (partitions > 1) {
            assertThat(valid).filteredOn(stays.negate()).hasSizeGreaterThan(valid.size() / 4);
        }
        assertThat(valid).anyMatch(rec -> rec.hasTag(keyTag) && !rec.key().equals(fieldOf(rec, field)));
    }

    @org.junit.jupiter.api.Test
    void shouldLeaveTheLastPartitionEmptyInTheLargeIotDataAndStillCloseWindows() {
        DataSet data = IotGenerator.generate(SEED, 6, BASE, IotGenerator.Size.LONG);
        assertThat(data.records()).noneMatch(rec -> rec.partition() == 5);
        assertThat(data.records()).anyMatch(rec -> rec.partition() == 4);
        assertThat(IotReference.compute(data, SETTINGS).records(IotReference.STATS)).hasSizeGreaterThan(1000);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 6})
    void shouldHoldEveryFraudCaseAndEachShouldDoWhatItIsFor(int partitions) {
        DataSet data = FraudGenerator.generate(SEED, partitions, BASE, FraudGenerator.Size.SHORT);
        assertThat(data.tagCounts().keySet()).contains("out-of-order", "late", "repeated-transaction-id", "burst-six",
                "tie-count-five", "tie-lookback", "tie-amount-limit", "amount-spike", "three-countries", "tie-two-countries",
                "escalation", "episode-ends", "burst-newest-first", "tie-episode-lookback", "tie-episode-lookback-plus-1ms", "burst-out-of-order",
                "tie-grace-late", "tie-grace-ontime", "malformed-transaction-negative-amount", "malformed-transaction-far-future");
        Expected expected = FraudReference.compute(data, SETTINGS);
        assertLate(data, expected, FraudReference.LATE, "tie-grace-late", FraudReference.ALERTS, true);
        assertLate(data, expected, FraudReference.LATE, "tie-grace-ontime", FraudReference.ALERTS, false);
        assertThat(alertTypes(expected, "x-six-0")).containsExactly("FRAUD_SUSPECTED");
        assertThat(alertTypes(expected, "x-five-0")).isEmpty();
        assertThat(alertTypes(expected, "x-five-resent-0")).isEmpty();
        assertThat(alertTypes(expected, "x-lookback-edge-0")).isEmpty();
        assertThat(alertTypes(expected, "x-amount-limit-0")).isEmpty();
        assertThat(alertTypes(expected, "x-amount-spike-0")).containsExactly("FRAUD_SUSPECTED");
        assertThat(alertTypes(expected, "x-three-countries-0")).containsExactly("FRAUD_SUSPECTED");
        assertThat(alertTypes(expected, "x-two-countries-0")).isEmpty();
        assertThat(alertTypes(expected, "x-escalate-0")).containsExactly("FRAUD_SUSPECTED", "FRAUD_ESCALATED", "FRAUD_ESCALATED");
        assertThat(alertTypes(expected, "x-episode-ends-0")).containsExactly("FRAUD_SUSPECTED", "FRAUD_SUSPECTED");
        assertThat(alertTypes(expected, "x-episode-lookback-0")).containsExactly("FRAUD_SUSPECTED", "FRAUD_ESCALATED");
        assertThat(alertTypes(expected, "x-episode-lookback-1ms-0")).containsExactly("FRAUD_SUSPECTED", "FRAUD_SUSPECTED");
        assertThat(alertTypes(expected, "x-burst-out-of-order-0")).containsExactly("FRAUD_SUSPECTED");
        assertThat(alertTypes(expected, "x-burst-newest-first-0")).isEmpty();
        assertLocalAndMoving(data, partitions, "user_id", "key-not-user");
    }

    private static String fieldOf(Rec rec, String field) {
        Matcher value = Pattern.compile("\"" + field + "\":\"([^\"]+)\"").matcher(rec.value());
        assertThat(value.find()).as(rec.toString()).isTrue();
        return value.group(1);
    }

    private static List<String> alertTypes(Expected expected, String user) {
        return expected.records(FraudReference.ALERTS).stream().filter(out -> out.key().equals(user))
                .sorted(java.util.Comparator.comparing(out -> out.value().path("transaction_time").asString()))
                .map(out -> out.value().path("alert_type").asString()).toList();
    }

    private static long anomalies(Expected expected, String user) {
        return expected.records(ClickstreamReference.ANOMALIES).stream().filter(out -> out.key().equals(user)).count();
    }

    /** Every record tagged {@code tag} is (or none is) in {@code late} for {@code output}. */
    private static void assertLate(DataSet data, Expected expected, String late, String tag, String output, boolean isLate) {
        List<Rec> tagged = data.all().stream().filter(rec -> rec.hasTag(tag)).toList();
        assertThat(tagged).as(tag).isNotEmpty();
        Map<String, Long> lateValues = new HashMap<>();
        expected.records(late).stream().filter(out -> output.equals(out.reason()))
                .forEach(out -> lateValues.merge(out.value().asString(), 1L, Long::sum));
        Predicate<Rec> routed = rec -> lateValues.getOrDefault(rec.value(), 0L) > 0;
        if (isLate) {
            assertThat(tagged).as("%s late for %s", tag, output).allMatch(routed);
        } else {
            assertThat(tagged).as("%s not late for %s", tag, output).noneMatch(routed);
        }
    }

}
