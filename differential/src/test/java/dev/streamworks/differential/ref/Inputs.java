package dev.streamworks.differential.ref;

import dev.streamworks.differential.gen.DataSet;
import dev.streamworks.differential.gen.Rec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Hand-written inputs for the reference model's own tests: records in the order they are read. */
final class Inputs {

    static final Instant WALL = Instant.parse("2025-12-10T00:00:00Z");
    static final Contract.Settings SETTINGS = Contract.Settings.at(WALL);

    private final List<Rec> records = new ArrayList<>();
    private final List<Rec> setup = new ArrayList<>();

    static Instant at(String time) {
        return Instant.parse("2025-12-09T" + time + "Z");
    }

    Inputs click(int partition, String eventId, String time, String user, String type, String product) {
        return raw(ClickstreamReference.CLICKS, partition, user, String.format(
                "{\"event_id\":\"%s\",\"timestamp\":\"%s\",\"user_id\":\"%s\",\"event_type\":\"%s\",\"product_id\":\"%s\"}",
                eventId, at(time), user, type, product));
    }

    Inputs purchase(int partition, String eventId, String time, String user, String product, String price, int quantity) {
        return raw(ClickstreamReference.CLICKS, partition, user, String.format(
                "{\"event_id\":\"%s\",\"timestamp\":\"%s\",\"user_id\":\"%s\",\"event_type\":\"purchase\","
                        + "\"product_id\":\"%s\",\"price\":%s,\"quantity\":%d}", eventId, at(time), user, product, price, quantity));
    }

    Inputs impression(int partition, String id, String time, String user, String product) {
        return raw(ClickstreamReference.IMPRESSIONS, partition, user, String.format(
                "{\"impression_id\":\"%s\",\"user_id\":\"%s\",\"product_id\":\"%s\",\"impression_time\":\"%s\"}",
                id, user, product, at(time)));
    }

    Inputs user(String user, String segment) {
        records.add(new Rec(ClickstreamReference.USERS, 0, user,
                segment == null ? null : "{\"user_id\":\"" + user + "\",\"user_segment\":\"" + segment + "\"}", false, Set.of()));
        return this;
    }

    Inputs setupUser(String user, String segment) {
        setup.add(new Rec(ClickstreamReference.USERS, 0, user,
                "{\"user_id\":\"" + user + "\",\"user_segment\":\"" + segment + "\"}", false, Set.of()));
        return this;
    }

    Inputs reading(int partition, String device, String time, double temperature) {
        return raw(IotReference.TELEMETRY, partition, device, String.format(java.util.Locale.ROOT,
                "{\"device_id\":\"%s\",\"event_timestamp\":\"%s\",\"temperature\":%s}", device, at(time), temperature));
    }

    Inputs transaction(int partition, String id, String time, String user, String amount, String country) {
        return raw(FraudReference.TRANSACTIONS, partition, user, String.format(
                "{\"transaction_id\":\"%s\",\"user_id\":\"%s\",\"amount\":%s,\"country\":\"%s\",\"transaction_time\":\"%s\"}",
                id, user, amount, country, at(time)));
    }

    Inputs raw(String topic, int partition, String key, String value) {
        records.add(new Rec(topic, partition, key, value, false, Set.of()));
        return this;
    }

    Rec last() {
        return records.get(records.size() - 1);
    }

    DataSet data() {
        return new DataSet("test", 0, 2, at("00:00:00"), records, List.of(0), setup);
    }
}
