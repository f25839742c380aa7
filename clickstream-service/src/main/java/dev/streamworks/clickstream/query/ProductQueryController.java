package dev.streamworks.clickstream.query;

import dev.streamworks.clickstream.ClickstreamProperties;
import dev.streamworks.clickstream.ClickstreamProperties.Output;
import dev.streamworks.clickstream.domain.ProductClicks;
import dev.streamworks.clickstream.domain.ProductConversion;
import dev.streamworks.clickstream.domain.WindowFigures;
import dev.streamworks.clickstream.ClickstreamTopology;
import dev.streamworks.common.query.KeyOwners;
import dev.streamworks.common.query.QueryException;
import dev.streamworks.common.streams.Window;
import dev.streamworks.common.time.WindowAggregation;
import dev.streamworks.common.time.WindowKey;
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
 * Read-only REST over the per-product stores. Windows are selected by their start, {@code from}
 * and {@code to} inclusive (ISO-8601 or epoch milliseconds); without them, every window still
 * retained. A product never clicked answers 404; a query for a product another instance owns is
 * forwarded there.
 */
@RestController
@RequestMapping("/api/products")
class ProductQueryController {

    private static final String CONVERSION_STORE = ClickstreamTopology.PRODUCT_CONVERSION + "-store";

    private final KeyOwners owners;
    private final ClickstreamProperties props;

    ProductQueryController(KeyOwners owners, ClickstreamProperties props) {
        this.owners = owners;
        this.props = props;
    }

    @GetMapping("/{productId}/windows")
    ResponseEntity<?> windows(@PathVariable String productId, @RequestParam(required = false) String from,
                              @RequestParam(required = false) String to, HttpServletRequest request) {
        QueryParams.requireComputed(props, Output.CLICKS_PER_PRODUCT);
        Instant fromTime = QueryParams.time("from", from, QueryParams.BEGINNING);
        Instant toTime = QueryParams.time("to", to, QueryParams.END);
        if (fromTime.isAfter(toTime)) {
            throw QueryException.badRequest("'from' (" + from + ") is after 'to' (" + to + ")");
        }
        long size = props.clicksPerProduct().size().toMillis();
        String windowsStore = ClickstreamTopology.windowsStore(ClickstreamTopology.PRODUCT_WINDOWS);
        return owners.answer(windowsStore, productId, request, () -> {
            List<ProductClicks> windows = new ArrayList<>();
            ReadOnlyKeyValueStore<WindowKey, WindowFigures> store = owners.localStore(windowsStore,
                    QueryableStoreTypes.keyValueStore());
            for (KeyValue<Long, WindowFigures> found : WindowAggregation.fetch(store, productId,
                    fromTime.toEpochMilli(), toTime.toEpochMilli())) {
                windows.add(new ProductClicks(Window.ofMillis(found.key, found.key + size), productId,
                        found.value.events(), found.value.uniqueUsers()));
            }
            if (windows.isEmpty() && props.computes(Output.PRODUCT_CONVERSION)) {
                conversion(productId); // 404 when the product was never clicked
            }
            return windows;
        });
    }

    @GetMapping("/{productId}/conversion")
    ResponseEntity<?> conversion(@PathVariable String productId, HttpServletRequest request) {
        QueryParams.requireComputed(props, Output.PRODUCT_CONVERSION);
        return owners.answer(CONVERSION_STORE, productId, request, () -> conversion(productId));
    }

    private ProductConversion conversion(String productId) {
        ReadOnlyKeyValueStore<String, ProductConversion> store = owners.localStore(CONVERSION_STORE,
                QueryableStoreTypes.keyValueStore());
        ProductConversion conversion = store.get(productId);
        if (conversion == null) {
            throw QueryException.notFound("no clicks on product '" + productId + "'");
        }
        return conversion;
    }
}
