package dev.streamworks.iot.query;

import dev.streamworks.common.query.KeyOwners;
import dev.streamworks.common.query.QueryException;
import dev.streamworks.common.serde.Json;
import dev.streamworks.common.streams.Window;
import dev.streamworks.iot.IotProperties;
import dev.streamworks.iot.domain.DeviceAlert;
import dev.streamworks.iot.domain.DeviceStats;
import dev.streamworks.iot.domain.DeviceWindow;
import dev.streamworks.iot.processor.DeviceWindowProcessor;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Read-only REST over the device stores. Windows are selected by their start time, {@code from}
 * and {@code to} inclusive (ISO-8601 or epoch milliseconds); without them, every window still
 * retained. A device this service has no window for answers 404.
 */
@RestController
@RequestMapping("/api/devices")
class DeviceQueryController {

    private static final Instant BEGINNING = Instant.EPOCH;
    private static final Instant END = Instant.ofEpochMilli(Long.MAX_VALUE);

    private final KeyOwners owners;
    private final IotProperties props;

    DeviceQueryController(KeyOwners owners, IotProperties props) {
        this.owners = owners;
        this.props = props;
    }

    @GetMapping("/{deviceId}/stats")
    ResponseEntity<?> stats(@PathVariable String deviceId, @RequestParam(required = false) String from,
                            @RequestParam(required = false) String to, HttpServletRequest request) {
        Instant fromTime = from == null ? BEGINNING : parseTime("from", from);
        Instant toTime = to == null ? END : parseTime("to", to);
        if (fromTime.isAfter(toTime)) {
            throw QueryException.badRequest("'from' (" + from + ") is after 'to' (" + to + ")");
        }
        return owners.answer(DeviceWindowProcessor.WINDOWS_STORE, deviceId, request, () -> {
            List<DeviceStats> stats = new ArrayList<>();
            try (WindowStoreIterator<DeviceWindow> windows = windowStore().fetch(deviceId, fromTime, toTime)) {
                windows.forEachRemaining(entry -> stats.add(DeviceStats.of(deviceId,
                        Window.ofMillis(entry.key, entry.key + props.windowSize().toMillis()), entry.value)));
            }
            if (stats.isEmpty()) {
                requireKnown(deviceId);
            }
            return stats;
        });
    }

    @GetMapping("/{deviceId}/alerts")
    ResponseEntity<?> alerts(@PathVariable String deviceId, HttpServletRequest request) {
        return owners.answer(DeviceWindowProcessor.WINDOWS_STORE, deviceId, request, () -> {
            List<DeviceAlert> alerts = new ArrayList<>();
            ReadOnlyWindowStore<String, DeviceAlert> store = owners.localStore(DeviceWindowProcessor.ALERTS_STORE,
                    QueryableStoreTypes.windowStore());
            try (WindowStoreIterator<DeviceAlert> found = store.fetch(deviceId, BEGINNING, END)) {
                found.forEachRemaining(entry -> alerts.add(entry.value));
            }
            if (alerts.isEmpty()) {
                requireKnown(deviceId);
            }
            return alerts;
        });
    }

    private void requireKnown(String deviceId) {
        try (WindowStoreIterator<DeviceWindow> any = windowStore().fetch(deviceId, BEGINNING, END)) {
            if (!any.hasNext()) {
                throw QueryException.notFound("no readings of device '" + deviceId + "' in the last "
                        + props.retention());
            }
        }
    }

    private ReadOnlyWindowStore<String, DeviceWindow> windowStore() {
        return owners.localStore(DeviceWindowProcessor.WINDOWS_STORE, QueryableStoreTypes.windowStore());
    }

    private static Instant parseTime(String name, String value) {
        try {
            return value.chars().allMatch(Character::isDigit) ? Instant.ofEpochMilli(Long.parseLong(value))
                    : Json.parseTimestamp(value);
        } catch (RuntimeException e) {
            throw QueryException.badRequest("'" + name + "' is not a timestamp (ISO-8601 or epoch milliseconds): "
                    + value);
        }
    }
}
