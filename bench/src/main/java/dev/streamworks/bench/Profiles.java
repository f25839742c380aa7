package dev.streamworks.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Summarises a JFR recording's {@code jdk.ExecutionSample} events (what {@code jfr print
 * --events jdk.ExecutionSample} lists): the methods on top of the stack (self time) and the
 * code areas that appear anywhere on the stack (total time), as shares of all samples.
 */
final class Profiles {

    private Profiles() {
    }

    record Share(String name, double percent) {
    }

    record Summary(long samples, List<Share> topFrames, List<Share> serviceFrames, List<Share> areas) {

        String render() {
            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "%,d execution samples%n%nTop frames (self):%n", samples));
            topFrames.forEach(s -> out.append(String.format(Locale.ROOT, "  %5.1f%%  %s%n", s.percent(), s.name())));
            out.append("\nNearest Streamworks frame on the stack (where the service's own code calls into the time):\n");
            serviceFrames.forEach(s -> out.append(String.format(Locale.ROOT, "  %5.1f%%  %s%n", s.percent(), s.name())));
            out.append("\nCode areas (anywhere on the stack):\n");
            areas.forEach(s -> out.append(String.format(Locale.ROOT, "  %5.1f%%  %s%n", s.percent(), s.name())));
            return out.toString();
        }
    }

    /** Code areas: the first matching prefix of a frame's class names a stack as spending time there. */
    static final List<String[]> AREAS = List.of(
            new String[] {"RocksDB (JNI)", "org.rocksdb."},
            new String[] {"Kafka Streams state stores", "org.apache.kafka.streams.state."},
            new String[] {"JSON (Jackson)", "tools.jackson."},
            new String[] {"Streamworks code", "dev.streamworks."},
            new String[] {"producer: send/serialize/compress", "org.apache.kafka.clients.producer."},
            new String[] {"consumer: fetch/deserialize", "org.apache.kafka.clients.consumer."},
            new String[] {"lz4/compression", "net.jpountz."},
            new String[] {"network I/O", "org.apache.kafka.common.network."},
            new String[] {"Kafka record batches", "org.apache.kafka.common.record."},
            new String[] {"Micrometer", "io.micrometer."},
            new String[] {"java.time", "java.time."});

    static Summary summarise(Path recording, int top, java.time.Instant from, java.time.Instant until)
            throws IOException {
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> areas = new HashMap<>();
        Map<String, Long> service = new HashMap<>();
        long samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample")
                    || event.getStartTime().isBefore(from) || event.getStartTime().isAfter(until)) {
                continue;
            }
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            List<RecordedFrame> frames = stack.getFrames();
            self.merge(frameName(frames.get(0)), 1L, Long::sum);
            frames.stream().filter(f -> f.getMethod().getType().getName().startsWith("dev.streamworks."))
                    .findFirst().ifPresent(f -> service.merge(frameName(f), 1L, Long::sum));
            Set<String> seen = new HashSet<>();
            for (RecordedFrame frame : frames) {
                String type = frame.getMethod().getType().getName();
                for (String[] area : AREAS) {
                    if (type.startsWith(area[1]) && seen.add(area[0])) {
                        areas.merge(area[0], 1L, Long::sum);
                    }
                }
            }
        }
        return new Summary(samples, topShares(self, samples, top), topShares(service, samples, top / 2),
                topShares(areas, samples, AREAS.size()));
    }

    static List<Share> topShares(Map<String, Long> counts, long total, int top) {
        return counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .map(e -> new Share(e.getKey(), total == 0 ? 0 : 100.0 * e.getValue() / total)).toList();
    }

    private static String frameName(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName() + " ("
                + type.substring(0, Math.max(0, type.lastIndexOf('.'))) + ")";
    }
}
