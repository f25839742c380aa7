package dev.streamworks.common.streams;

import dev.streamworks.common.serde.RepartitionSerde;
import dev.streamworks.common.time.InternalHeaders;
import dev.streamworks.common.time.Stamp;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Kafka Streams' own dead-letter queue (KIP-1034), with the record counted. Whatever fails,
 * deserialization, processing or writing the result, the source record goes to the topic named
 * by {@code errors.dead.letter.queue.topic.name} with the error in the {@code __streams.errors.*}
 * headers, inside the same transaction under exactly-once, and the service carries on. A record
 * that failed after a repartition topic goes there as the input it was read from, not in the
 * repartition topic's internal form ({@link RepartitionSerde#original}). Every dead-letter record
 * is fitted to the limit read at start ({@link DeadLetterRecords}), so sending it cannot fail for
 * its size, and a record whose result fails to be written the same way twice in a row is dead-lettered
 * instead of retried forever.
 */
public final class DeadLetterHandlers {

    private DeadLetterHandlers() {
    }

    /**
     * The dead-letter records as their input arrived: a repartition record's value replaced by the
     * input bytes it carries, its key and timestamp by the input's (remembered in internal headers),
     * and no internal header left.
     */
    static List<ProducerRecord<byte[], byte[]>> asInput(ErrorHandlerContext context,
                                                        List<ProducerRecord<byte[], byte[]>> records) {
        boolean repartitioned = context.topic() != null && context.topic().endsWith("-repartition");
        return records.stream().map(r -> {
            byte[] key = r.key();
            Long timestamp = r.timestamp();
            if (repartitioned && r.headers().lastHeader(Stamp.HEADER) != null) {
                String origin = InternalHeaders.originKey(r.headers(), null);
                key = origin == null ? null : origin.getBytes(StandardCharsets.UTF_8);
                timestamp = InternalHeaders.originTimestamp(r.headers(), timestamp == null ? -1 : timestamp);
                timestamp = timestamp < 0 ? null : timestamp;
            }
            return new ProducerRecord<>(r.topic(), r.partition(), timestamp, key,
                    repartitioned ? RepartitionSerde.original(r.value()) : r.value(), InternalHeaders.strip(r.headers()));
        }).toList();
    }

    /** Bad input: not JSON, schema broken, too large, too far in the future. */
    public static class Deserialization extends LogAndContinueExceptionHandler {

        private DeadLetterListener listener = DeadLetterListener.from(Map.of());
        private DeadLetterLimit limit = new DeadLetterLimit(0);

        @Override
        public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                    Exception exception) {
            Response response = super.handleError(context, record, exception);
            listener.onDeadLetter("deserialization", exception);
            return Response.resume(DeadLetterRecords.fit(asInput(context, response.deadLetterQueueRecords()),
                    limit.bytes()));
        }

        @Override
        public void configure(Map<String, ?> configs) {
            super.configure(configs);
            listener = DeadLetterListener.from(configs);
            limit = DeadLetterLimit.from(configs);
        }
    }

    /** A record that made a processor throw. */
    public static class Processing extends LogAndContinueProcessingExceptionHandler {

        private DeadLetterListener listener = DeadLetterListener.from(Map.of());
        private DeadLetterLimit limit = new DeadLetterLimit(0);

        @Override
        public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
            Response response = super.handleError(context, record, exception);
            listener.onDeadLetter("processing", exception);
            return Response.resume(DeadLetterRecords.fit(asInput(context, response.deadLetterQueueRecords()),
                    limit.bytes()));
        }

        @Override
        public void configure(Map<String, ?> configs) {
            super.configure(configs);
            listener = DeadLetterListener.from(configs);
            limit = DeadLetterLimit.from(configs);
        }
    }

    /**
     * A result that could not be serialized or written (too large, say). Retriable errors are
     * retried, unless the same source record failed the same way just before and the error is
     * about the record rather than the cluster ({@link RepeatedFailures}); the rest send the source
     * record to the dead-letter topic and carry on, where Kafka Streams' default would stop the thread.
     */
    public static class Production extends DefaultProductionExceptionHandler {

        /** Shared by the handlers of every task and thread: a replaced thread must remember too. */
        private static final RepeatedFailures REPEATED = new RepeatedFailures();

        private DeadLetterListener listener = DeadLetterListener.from(Map.of());
        private DeadLetterLimit limit = new DeadLetterLimit(0);

        @Override
        public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                    Exception exception) {
            if (exception instanceof RetriableException && !REPEATED.failedAgain(context, exception)) {
                return Response.retry();
            }
            return resume(context, super.handleError(context, record, exception), exception);
        }

        @Override
        @SuppressWarnings("rawtypes")
        public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record,
                                                 Exception exception, SerializationExceptionOrigin origin) {
            return resume(context, super.handleSerializationError(context, record, exception, origin), exception);
        }

        private Response resume(ErrorHandlerContext context, Response failed, Exception exception) {
            listener.onDeadLetter("production", exception);
            return Response.resume(DeadLetterRecords.fit(asInput(context, failed.deadLetterQueueRecords()),
                    limit.bytes()));
        }

        @Override
        public void configure(Map<String, ?> configs) {
            super.configure(configs);
            listener = DeadLetterListener.from(configs);
            limit = DeadLetterLimit.from(configs);
        }
    }
}
