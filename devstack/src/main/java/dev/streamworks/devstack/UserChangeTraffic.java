package dev.streamworks.devstack;

import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Debezium's MySQL connector watching a {@code users} table ({@code mysql.prod.users}, JSON
 * without schemas, keyed by the key struct {@code {"user_id":N}}): first a snapshot, every row
 * read at the snapshot's one binlog position; then streamed inserts, updates of
 * {@code user_segment} among {@code new}, {@code regular}, {@code vip}, and deletes, each delete
 * followed by Debezium's tombstone. Positions advance through the binlog (file, pos, row) and
 * roll over to the next file now and then. A few changes are sent twice (a connector restart
 * replays from its last committed offset), which the service skips, and a few records are
 * broken (not JSON, no position), which go to its dead-letter topic. Users are
 * named as the click traffic names them, so clickstream's enrichment finds them.
 */
public final class UserChangeTraffic implements Traffic {

    static final String TOPIC = "mysql.prod.users";

    private static final String[] SEGMENTS = {"new", "regular", "vip"};
    private static final String[] COUNTRIES = {"DE", "FR", "US", "BR", "JP", "IN"};
    private static final int MAX_USERS_FACTOR = 2;

    private final int initialUsers;
    private final EventClock clock;
    private final SplittableRandom random;
    private final List<Integer> live = new ArrayList<>();
    private final String[] segments;
    private final Deque<ProducerRecord<String, String>> pending = new ArrayDeque<>();
    private final Deque<ProducerRecord<String, String>> recent = new ArrayDeque<>();
    private int snapshotNext;
    private int nextId;
    private int binlogFile = 3;
    private long binlogPos = 154;

    public UserChangeTraffic(int initialUsers, EventClock clock, long seed) {
        if (initialUsers < 1) {
            throw new IllegalArgumentException("the users table needs at least one row, was " + initialUsers);
        }
        this.initialUsers = initialUsers;
        this.clock = clock;
        this.random = new SplittableRandom(seed);
        this.segments = new String[initialUsers * MAX_USERS_FACTOR];
        this.nextId = initialUsers;
    }

    @Override
    public String name() {
        return "cdc";
    }

    /** The click traffic's user ids, so clickstream's enrichment finds the users. */
    static String userId(int index) {
        // the click traffic's users, so clickstream's enrichment finds them
        return ClickTraffic.userId(index);
    }

    @Override
    public ProducerRecord<String, String> next() {
        if (!pending.isEmpty()) {
            return pending.poll();
        }
        Instant now = clock.now();
        if (snapshotNext < initialUsers) {
            return snapshotRead(snapshotNext++, now);
        }
        double roll = random.nextDouble();
        if (roll < 0.003) {
            return broken(now);
        }
        if (roll < 0.02 && !recent.isEmpty()) {
            // a replay: the connector re-sends changes it had already sent
            List<ProducerRecord<String, String>> replay = new ArrayList<>(recent);
            return replay.get(random.nextInt(replay.size()));
        }
        ProducerRecord<String, String> change;
        if (roll < 0.12 && nextId < segments.length) {
            change = insert(nextId++, now);
        } else if (roll < 0.16 && live.size() > Math.max(1, initialUsers / 2)) {
            change = delete(live.get(random.nextInt(live.size())), now);
        } else {
            change = update(live.get(random.nextInt(live.size())), now);
        }
        remember(change);
        return change;
    }

    private ProducerRecord<String, String> snapshotRead(int index, Instant now) {
        String segment = SEGMENTS[random.nextInt(SEGMENTS.length)];
        segments[index] = segment;
        live.add(index);
        // every read of one snapshot carries the binlog position the snapshot started at
        return record(index, envelope("r", null, row(index, segment), now, "true", 154, 0));
    }

    private ProducerRecord<String, String> insert(int index, Instant now) {
        segments[index] = "new";
        live.add(index);
        return record(index, envelope("c", null, row(index, "new"), now, "false", advance(), 0));
    }

    private ProducerRecord<String, String> update(int index, Instant now) {
        String before = row(index, segments[index]);
        String segment = SEGMENTS[random.nextInt(SEGMENTS.length)];
        segments[index] = segment;
        return record(index, envelope("u", before, row(index, segment), now, "false", advance(), 0));
    }

    private ProducerRecord<String, String> delete(int index, Instant now) {
        live.remove(Integer.valueOf(index));
        String before = row(index, segments[index]);
        segments[index] = null;
        // Debezium follows a delete with a tombstone, so the source topic can be compacted
        pending.add(new ProducerRecord<>(TOPIC, key(index), null));
        return record(index, envelope("d", before, null, now, "false", advance(), 0));
    }

    private ProducerRecord<String, String> broken(Instant now) {
        int index = live.get(random.nextInt(live.size()));
        return random.nextBoolean()
                ? new ProducerRecord<>(TOPIC, key(index), "op=u user_id=" + userId(index))
                : new ProducerRecord<>(TOPIC, key(index), String.format(Locale.ROOT,
                        "{\"op\":\"u\",\"after\":%s,\"source\":{\"ts_ms\":%d}}", row(index, "vip"), now.toEpochMilli()));
    }

    private void remember(ProducerRecord<String, String> change) {
        recent.addLast(change);
        if (recent.size() > 50) {
            recent.removeFirst();
        }
    }

    /** The next binlog position: events of a few hundred bytes, a new file every ~10 MB. */
    private long advance() {
        binlogPos += 200 + random.nextInt(400);
        if (binlogPos > 10_000_000) {
            binlogFile++;
            binlogPos = 154;
        }
        return binlogPos;
    }

    private ProducerRecord<String, String> record(int index, String value) {
        return new ProducerRecord<>(TOPIC, key(index), value);
    }

    private static String key(int index) {
        return "{\"user_id\":\"" + userId(index) + "\"}";
    }

    private String row(int index, String segment) {
        return String.format(Locale.ROOT, "{\"user_id\":\"%s\",\"email\":\"%s@example.com\",\"country\":\"%s\","
                + "\"user_segment\":\"%s\"}", userId(index), userId(index), COUNTRIES[index % COUNTRIES.length], segment);
    }

    private String envelope(String op, String before, String after, Instant now, String snapshot, long pos, int row) {
        long ts = now.toEpochMilli();
        return String.format(Locale.ROOT, "{\"before\":%s,\"after\":%s,\"source\":{\"version\":\"2.7.0.Final\","
                        + "\"connector\":\"mysql\",\"name\":\"prod\",\"ts_ms\":%d,\"snapshot\":\"%s\",\"db\":\"prod\","
                        + "\"table\":\"users\",\"server_id\":223344,\"gtid\":null,\"file\":\"mysql-bin.%06d\","
                        + "\"pos\":%d,\"row\":%d,\"thread\":7,\"query\":null},\"op\":\"%s\",\"ts_ms\":%d,"
                        + "\"transaction\":null}",
                before, after, ts, snapshot, "r".equals(op) ? 3 : binlogFile, pos, row, op, ts + random.nextInt(50));
    }
}
