package dev.streamworks.iot.query;

import dev.streamworks.common.query.KeyOwners;
import dev.streamworks.common.query.QueryException;
import dev.streamworks.common.serde.Json;
import dev.streamworks.common.streams.Window;
import dev.streamworks.common.time.WindowAggregation;
import dev.streamworks.common.time.WindowKey;
import dev.streamworks.iot.IotProperties;
import dev.streamworks.iot.IotTopology;
import dev.streamworks.iot.domain.DeviceAlert;
import dev.streamworks.iot.domain.DeviceStats;
import dev.streamworks.iot.domain.DeviceWindow;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
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

    private final KeyOwners owners;
    private final IotProperties props;

    DeviceQueryController(KeyOwners owners, IotProperties props) {
        this.owners = owners;
        this.props = props;
    }

    @GetMapping("/{deviceId}/stats")
    ResponseEntity<?> stats(@PathVariable String deviceId, @RequestParam(required = false) String from,
                            @RequestParam(required = false) String to, HttpServletRequest request) {
        Instant fromTime = from == null ? Instant.EPOCH : parseTime("from", from);
        Instant toTime = to == null ? Instant.ofEpochMilli(Long.MAX_VALUE) : parseTime("to", to);
        if (fromTime.isAfter(toTime)) {
            throw QueryException.badRequest("'from' (" + from + ") is after 'to' (" + to + ")");
        }
        return owners.answer(IotTopology.windowsStore(), deviceId, request, () -> {
            List<DeviceStats> stats = new ArrayList<>();
            for (KeyValue<Long, DeviceWindow> window : windows(deviceId, fromTime.toEpochMilli(), toTime.toEpochMilli())) {
                stats.add(DeviceStats.of(deviceId, window(window.key), window.value));
            }
            if (stats.isEmpty()) {
                requireKnown(deviceId);
            }
            return stats;
        });
    }

    @GetMapping("/{deviceId}/alerts")
    ResponseEntity<?> alerts(@PathVariable String deviceId, HttpServletRequest request) {
        return owners.answer(IotTopology.windowsStore(), deviceId, request, () -> {
            List<DeviceAlert> alerts = new ArrayList<>();
            for (KeyValue<Long, DeviceWindow> window : windows(deviceId, Long.MIN_VALUE, Long.MAX_VALUE)) {
                alerts.addAll(window.value.alertsOf(deviceId, window(window.key), props.overheatThreshold()));
            }
            if (alerts.isEmpty()) {
                requireKnown(deviceId);
            }
            return alerts;
        });
    }

    private void requireKnown(String deviceId) {
        if (windows(deviceId, Long.MIN_VALUE, Long.MAX_VALUE).isEmpty()) {
            throw QueryException.notFound("no readings of device '" + deviceId + "' in the last " + props.retention());
        }
    }

    private List<KeyValue<Long, DeviceWindow>> windows(String deviceId, long fromStart, long toStart) {
        ReadOnlyKeyValueStore<WindowKey, DeviceWindow> store = owners.localStore(IotTopology.windowsStore(),
                QueryableStoreTypes.keyValueStore());
        return WindowAggregation.fetch(store, deviceId, fromStart, toStart);
    }

    private Window window(long start) {
        return Window.ofMillis(start, start + props.windowSize().toMillis());
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
