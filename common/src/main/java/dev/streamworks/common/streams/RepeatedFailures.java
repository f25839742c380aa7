package dev.streamworks.common.streams;

import org.apache.kafka.common.errors.ConcurrentTransactionsException;
import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.DisconnectException;
import org.apache.kafka.common.errors.InvalidMetadataException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.ThrottlingQuotaExceededException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

import java.util.List;
import java.util.Objects;

/**
 * Remembers the last retriable failure of writing a result, so a record that fails the same way
 * twice in a row (the same source record, the same exception) is dead-lettered instead of being
 * retried forever. Errors that say the cluster is unavailable rather than the record is wrong (a
 * timeout, a leader moving, too few replicas, a broker outage) are always retried: the record is
 * good and will be written once the cluster is back.
 */
final class RepeatedFailures {

    private static final List<Class<? extends Exception>> CLUSTER = List.of(
            TimeoutException.class, InvalidMetadataException.class, NotEnoughReplicasException.class,
            NotEnoughReplicasAfterAppendException.class, NetworkException.class, DisconnectException.class,
            CoordinatorNotAvailableException.class, CoordinatorLoadInProgressException.class,
            NotCoordinatorException.class, ConcurrentTransactionsException.class,
            ThrottlingQuotaExceededException.class);

    private record Failure(String topic, int partition, long offset, Class<?> error) {
    }

    private Failure last;

    /** Whether this failure is the same as the one just before and is about the record, not the cluster. */
    synchronized boolean failedAgain(ErrorHandlerContext context, Exception exception) {
        if (CLUSTER.stream().anyMatch(type -> type.isInstance(exception))) {
            return false;
        }
        Failure failure = new Failure(context.topic(), context.partition(), context.offset(), exception.getClass());
        boolean again = Objects.equals(failure, last);
        last = again ? null : failure;
        return again;
    }
}
