package dev.streamworks.clickstream.processor;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

import java.time.Duration;

/**
 * Exact distinct users per key and window: one entry per (key, user) at the window's start in a
 * RocksDB window store, so a user is new in a window exactly when its entry is missing. Each event
 * costs one point lookup (and one write for a new user); nothing grows with the number of users
 * but the store itself, whose retention (window + grace) drops closed windows segment by segment.
 */
final class DistinctUsers {

    private final WindowStore<String, Long> store;

    DistinctUsers(WindowStore<String, Long> store) {
        this.store = store;
    }

    static StoreBuilder<WindowStore<String, Long>> storeBuilder(String name, Duration size, Duration grace) {
        return Stores.windowStoreBuilder(Stores.persistentWindowStore(name, size.plus(grace), size, false),
                Serdes.String(), Serdes.Long());
    }

    /** Records the user in the window; true when it was not there yet. */
    boolean add(String key, String userId, long windowStartMs) {
        // length-prefixed, so ("a|b", "c") and ("a", "b|c") never share an entry
        String entry = key.length() + ":" + key + userId;
        if (store.fetch(entry, windowStartMs) != null) {
            return false;
        }
        store.put(entry, 1L, windowStartMs);
        return true;
    }
}
