package dev.streamworks.common.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Settings every service shares (prefix {@code streamworks}; docs/configuration.md).
 * Pipeline settings live in each service's own properties record.
 *
 * @param instanceId        static group membership ({@code group.instance.id}); unset: dynamic
 * @param guarantee         processing guarantee
 * @param maxRecordBytes    inputs larger than this are bad input
 * @param maxFutureSkew     event times further than this ahead of the wall clock are bad input
 * @param stateDir          Kafka Streams state directory (RocksDB); unset: {@code java.io.tmpdir}/streamworks
 * @param leaveGroupOnClose leave the consumer group on shutdown (local runs and tests), so a
 *                          restart is not held for the session timeout
 * @param topics            how missing topics are created
 * @param progress          the {@code /actuator/progress} endpoint
 * @param rocksdb           off-heap memory of the state stores
 * @param stuckAfter        readiness goes DOWN when the inputs have lag and nothing was committed
 *                          for this long while RUNNING (processing is stuck)
 * @param standbyReplicas   warm copies of each task's state on other instances
 *                          ({@code num.standby.replicas}); unset: Kafka Streams' default (0)
 * @param idleTimeout       an input partition that delivered nothing for this long (wall clock) while its
 *                          consumer lag is 0 stops holding the watermark back (docs/semantics.md)
 * @param idleClose         when every input partition of an output is idle, the watermark advances with
 *                          the wall clock, so the last windows of a quiet stream close
 */
@Validated
@ConfigurationProperties("streamworks")
public record StreamworksProperties(
        String instanceId,
        @DefaultValue("exactly_once_v2") @NotNull Guarantee guarantee,
        @DefaultValue("1MB") @NotNull DataSize maxRecordBytes,
        @DefaultValue("1h") @NotNull Duration maxFutureSkew,
        String stateDir,
        @DefaultValue("false") boolean leaveGroupOnClose,
        @DefaultValue @Valid Topics topics,
        @DefaultValue @Valid Progress progress,
        @DefaultValue @Valid RocksDb rocksdb,
        @DefaultValue("2m") @NotNull Duration stuckAfter,
        @Min(0) Integer standbyReplicas,
        @DefaultValue("30s") @NotNull Duration idleTimeout,
        @DefaultValue("false") boolean idleClose) {

    public enum Guarantee {
        EXACTLY_ONCE_V2("exactly_once_v2"), AT_LEAST_ONCE("at_least_once");

        private final String config;

        Guarantee(String config) {
            this.config = config;
        }

        /** The value of Kafka Streams' {@code processing.guarantee}. */
        public String config() {
            return config;
        }
    }

    /**
     * @param partitions        partitions of topics the service creates
     * @param replicationFactor their replication factor
     * @param minInsyncReplicas their {@code min.insync.replicas}; unset: the broker's default
     */
    public record Topics(@DefaultValue("6") @Min(1) int partitions,
                         @DefaultValue("1") @Min(1) short replicationFactor,
                         Integer minInsyncReplicas) {
    }

    /**
     * @param interval     how often progress is measured (Spark's trigger interval)
     * @param maxStateRows above this many rows in the state stores, the {@code LARGE_STATE} warning
     * @param fallingBehindRatio input rate over processing rate that raises {@code FALLING_BEHIND}
     * @param history      measurements {@code /actuator/progress/recent} keeps (Spark's {@code recentProgress})
     */
    public record Progress(@DefaultValue("10s") @NotNull Duration interval,
                           @DefaultValue("10000000") @Min(1) long maxStateRows,
                           @DefaultValue("1.2") double fallingBehindRatio,
                           @DefaultValue("100") @Min(1) int history) {
    }

    /**
     * @param totalMemory   one bound for the block cache, index and filter blocks and memtables of
     *                      every RocksDB store of the process; unset: Kafka Streams' defaults (each
     *                      store instance its own cache and memtables, no overall bound)
     * @param memtableShare the part of it memtables (write buffers) may take
     */
    public record RocksDb(DataSize totalMemory, @DefaultValue("0.5") double memtableShare) {
    }

    /** With every default, as a service gets it when nothing is configured. */
    public static StreamworksProperties defaults() {
        return new StreamworksProperties(null, Guarantee.EXACTLY_ONCE_V2, DataSize.ofMegabytes(1),
                Duration.ofHours(1), null, false, new Topics(6, (short) 1, null),
                new Progress(Duration.ofSeconds(10), 10_000_000L, 1.2, 100), new RocksDb(null, 0.5),
                Duration.ofMinutes(2), null, Duration.ofSeconds(30), false);
    }

    /** How watermarks move, from {@link #idleTimeout} and {@link #idleClose}. */
    public dev.streamworks.common.time.EventTimeSettings eventTime() {
        return dev.streamworks.common.time.EventTimeSettings.of(idleTimeout, idleClose);
    }

    public int maxRecordBytesInt() {
        return (int) Math.min(Integer.MAX_VALUE, maxRecordBytes.toBytes());
    }

    /**
     * The bytes a record the service writes may take (the producer's {@code max.request.size}, the
     * {@code max.message.bytes} of the dead-letter, late and internal topics it creates): the largest
     * record an input accepts ({@code largestInputLimit}, read from the cluster at start) or
     * {@code max-record-bytes}, whichever is larger, plus room for the error headers of a dead letter
     * (its stack trace is capped at 8 KiB).
     */
    public int recordBytes(int largestInputLimit) {
        return Math.max(largestInputLimit, maxRecordBytesInt()) + HEADER_ROOM_BYTES;
    }

    /**
     * The bytes a record of an internal topic may take (repartition topics carry a valid input,
     * at most {@code max-record-bytes}, next to its parsed form) and so their {@code max.message.bytes}.
     */
    public int internalRecordBytes() {
        return (int) Math.min(Integer.MAX_VALUE - HEADER_ROOM_BYTES, 2L * maxRecordBytesInt()) + HEADER_ROOM_BYTES;
    }

    /** Room for the headers Kafka Streams and the services add to a record they pass on. */
    public static final int HEADER_ROOM_BYTES = 64 * 1024;

    public String stateDirOrDefault() {
        return stateDir != null && !stateDir.isBlank() ? stateDir
                : System.getProperty("java.io.tmpdir") + "/streamworks";
    }
}
