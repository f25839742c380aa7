package dev.streamworks.differential.gen;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;

/** Builds input values as text, with the timestamp formats the contract accepts. */
final class Values {

    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx");
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS");

    private Values() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /**
     * Puts a valid event time in one of the accepted forms: mostly {@code Instant#toString}, some
     * with a +02:00 offset, some without a zone (UTC), some as epoch milliseconds.
     */
    static void putTime(ObjectNode node, String field, long millis, Random random) {
        int form = random.nextInt(100);
        Instant instant = Instant.ofEpochMilli(millis);
        if (form < 80) {
            node.put(field, instant.toString());
        } else if (form < 88) {
            node.put(field, OFFSET.format(instant.atOffset(ZoneOffset.ofHours(2))));
        } else if (form < 95) {
            node.put(field, LOCAL.format(instant.atOffset(ZoneOffset.UTC)));
        } else {
            node.put(field, millis);
        }
    }

    static String text(ObjectNode node) {
        return MAPPER.writeValueAsString(node);
    }

    /** A price with two decimals. */
    static double price(Random random) {
        return Math.round((1 + random.nextDouble() * 299) * 100) / 100.0;
    }

    static String without(ObjectNode node, String field) {
        node.remove(field);
        return text(node);
    }

    static String with(ObjectNode node, java.util.function.Consumer<ObjectNode> change) {
        change.accept(node);
        return text(node);
    }
}
