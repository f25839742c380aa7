package dev.streamworks.faults;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every scenario shares: its input, its figures, and the steps it is made of (create the
 * inputs, feed them at a pace, wait until the service has committed everything, read the outputs).
 */
final class Scenario {

    private static final Logger log = LoggerFactory.getLogger(Scenario.class);

    static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    /** The KIP-1034 headers every dead letter carries. */
    static final List<String> DEAD_LETTER_HEADERS = List.of("__streams.errors.exception", "__streams.errors.message",
            "__streams.errors.stacktrace", "__streams.errors.topic", "__streams.errors.partition",
            "__streams.errors.offset");

    private Scenario() {
    }

    /**
     * The input of a run.
     *
     * @param id          what makes two inputs the same (seed, size, event-time start ...)
     * @param records     the records, in the order they are sent
     * @param partitions  partitions of the input topics (and so of the service's tasks)
     * @param serviceArgs arguments of every instance of the service
     */
    record Input(String id, List<ProducerRecord<byte[], byte[]>> records, int partitions, List<String> serviceArgs) {
    }

    /**
     * The figures of one scenario, as RELIABILITY.md shows them.
     *
     * @param recover from each kill (or the broker's return) to the service being ready again
     * @param restore from each launch to ready (state restored)
     */
    record Outcome(String scenario, String service, long seed, int kills, int wipes, long recordsIn, Verdict verdict,
                   List<Duration> recover, List<Duration> restore, List<String> notes, boolean passed) {

        String summary() {
            return String.format("%s/%s seed %d: %s (kills %d, wipes %d, in %d, compared %d, lost %d, duplicated %d, "
                            + "unexpected %d) %s", scenario, service, seed, passed ? "PASSED" : "FAILED", kills, wipes,
                    recordsIn, verdict.compared(), verdict.lost(), verdict.duplicated(), verdict.unexpected(),
                    String.join("; ", notes) + (verdict.examples().isEmpty() ? "" : " examples: " + verdict.examples()));
        }
    }

    static void createInputs(Cluster cluster, Target target, int partitions) throws Exception {
        cluster.createTopics(target.inputs(), partitions,
                Map.of("max.message.bytes", String.valueOf(Cluster.LARGE_INPUT_BYTES)));
    }

    /** Standard arguments: the partitions of the topics the service creates, a short stuck limit. */
    static List<String> serviceArgs(int partitions, String... more) {
        List<String> args = new ArrayList<>(List.of("--streamworks.topics.partitions=" + partitions));
        args.addAll(List.of(more));
        return args;
    }

    /** Sends the records from another thread, {@code perSecond} at most; {@link Feed#await} waits for the last. */
    static Feed feed(Cluster cluster, List<ProducerRecord<byte[], byte[]>> records, int perSecond) {
        Feed feed = new Feed(records.size());
        Thread thread = new Thread(() -> {
            long started = System.nanoTime();
            try (KafkaProducer<byte[], byte[]> producer = cluster.producer()) {
                for (int i = 0; i < records.size(); i++) {
                    long due = started + (long) (i * 1e9 / perSecond);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    producer.send(records.get(i), (metadata, error) -> {
                        if (error != null) {
                            feed.failure.compareAndSet(null, error);
                        } else {
                            feed.acked.incrementAndGet();
                        }
                    });
                }
                producer.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                feed.failure.compareAndSet(null, e);
            }
        }, "faults-feed");
        thread.setDaemon(true);
        feed.thread = thread;
        thread.start();
        return feed;
    }

    static final class Feed {

        private final int total;
        private final AtomicLong acked = new AtomicLong();
        private final AtomicReference<Exception> failure = new AtomicReference<>();
        private Thread thread;

        private Feed(int total) {
            this.total = total;
        }

        boolean done() {
            return !thread.isAlive();
        }

        long acked() {
            return acked.get();
        }

        void await(Duration timeout) throws InterruptedException {
            thread.join(timeout.toMillis());
            if (thread.isAlive()) {
                throw new IllegalStateException("the feed did not finish within " + timeout);
            }
            if (failure.get() != null) {
                throw new IllegalStateException("the feed failed", failure.get());
            }
            if (acked.get() != total) {
                throw new IllegalStateException("the feed sent " + acked.get() + " of " + total + " records");
            }
        }
    }

    /**
     * Waits until the application has committed every record of its inputs and repartition topics
     * (so, under exactly-once, every output is committed), the same figure twice a second apart.
     */
    static void drain(Cluster cluster, Target target, List<Instance> instances, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        int zeroes = 0;
        long behind = -1;
        while (System.nanoTime() < deadline) {
            for (Instance instance : instances) {
                if (!instance.alive()) {
                    throw new IllegalStateException(instance.instanceId() + " exited; log " + instance.log() + "\n"
                            + instance.process().logTail());
                }
            }
            behind = cluster.uncommitted(target.applicationId(), target.groupInputs());
            zeroes = behind == 0 ? zeroes + 1 : 0;
            if (zeroes >= 2) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        throw new IllegalStateException(target.name() + " still had " + behind + " records to commit after " + timeout);
    }

    /** Every output the target is judged on, read_committed. */
    static Map<String, List<Judge.Output>> outputs(Cluster cluster, Target target) throws Exception {
        Map<String, List<Judge.Output>> outputs = new HashMap<>();
        for (String topic : target.outputs().keySet()) {
            List<Judge.Output> records = new ArrayList<>();
            if (cluster.topicExists(topic)) {
                for (ConsumerRecord<byte[], byte[]> record : cluster.readAll(topic)) {
                    records.add(new Judge.Output(text(record.key()), text(record.value())));
                }
            }
            outputs.put(topic, records);
        }
        return outputs;
    }

    static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    /** Whether a dead letter carries every KIP-1034 header. */
    static boolean hasDeadLetterHeaders(ConsumerRecord<byte[], byte[]> record) {
        List<String> keys = new ArrayList<>();
        for (Header header : record.headers()) {
            keys.add(header.key());
        }
        return keys.containsAll(DEAD_LETTER_HEADERS);
    }

    static void info(String format, Object... args) {
        log.info(format, args);
    }
}
