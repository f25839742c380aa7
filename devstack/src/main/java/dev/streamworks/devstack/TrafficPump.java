package dev.streamworks.devstack;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/** Sends each pipeline's traffic at a steady rate from one thread until stopped. */
public final class TrafficPump implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TrafficPump.class);
    private static final long TICK_NANOS = Duration.ofMillis(10).toNanos();

    private final List<Traffic> traffic;
    private final int ratePerPipeline;
    private final KafkaProducer<String, String> producer;
    private final AtomicLong sent = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    public TrafficPump(String bootstrapServers, List<Traffic> traffic, int ratePerPipeline) {
        this.traffic = traffic;
        this.ratePerPipeline = ratePerPipeline;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
        this.thread = new Thread(this::run, "devstack-traffic");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public long sent() {
        return sent.get();
    }

    private void run() {
        long start = System.nanoTime();
        long perPipeline = 0;
        while (running) {
            long due = (System.nanoTime() - start) * ratePerPipeline / 1_000_000_000L;
            for (; perPipeline < due && running; perPipeline++) {
                for (Traffic pipeline : traffic) {
                    producer.send(pipeline.next(), (metadata, error) -> {
                        if (error != null) {
                            log.warn("Send failed: {}", error.getMessage());
                        }
                    });
                    sent.incrementAndGet();
                }
            }
            LockSupport.parkNanos(TICK_NANOS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(Duration.ofSeconds(5).toMillis());
        producer.close(Duration.ofSeconds(5));
    }
}
