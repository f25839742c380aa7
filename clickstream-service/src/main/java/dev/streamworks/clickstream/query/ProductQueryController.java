package dev.streamworks.clickstream.query;

import dev.streamworks.clickstream.ClickstreamProperties;
import dev.streamworks.clickstream.ClickstreamProperties.Output;
import dev.streamworks.clickstream.domain.ProductClicks;
import dev.streamworks.clickstream.domain.ProductConversion;
import dev.streamworks.clickstream.domain.WindowFigures;
import dev.streamworks.clickstream.processor.ProductWindowProcessor;
import dev.streamworks.common.query.KeyOwners;
import dev.streamworks.common.query.QueryException;
import dev.streamworks.common.streams.Window;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
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
 * Read-only REST over the per-product stores. Windows are selected by their start, {@code from}
 * and {@code to} inclusive (ISO-8601 or epoch milliseconds); without them, every window still
 * retained. A product never clicked answers 404; a query for a product another instance owns is
 * forwarded there.
 */
@RestController
@RequestMapping("/api/products")
class ProductQueryController {

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
        return owners.answer(ProductWindowProcessor.WINDOWS_STORE, productId, request, () -> {
            List<ProductClicks> windows = new ArrayList<>();
            ReadOnlyWindowStore<String, WindowFigures> store = owners.localStore(ProductWindowProcessor.WINDOWS_STORE,
                    QueryableStoreTypes.windowStore());
            try (WindowStoreIterator<WindowFigures> found = store.fetch(productId, fromTime, toTime)) {
                found.forEachRemaining(entry -> windows.add(new ProductClicks(
                        Window.ofMillis(entry.key, entry.key + size), productId, entry.value.events(),
                        entry.value.uniqueUsers())));
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
        return owners.answer(ProductWindowProcessor.CONVERSION_STORE, productId, request, () -> conversion(productId));
    }

    private ProductConversion conversion(String productId) {
        ReadOnlyKeyValueStore<String, ProductConversion> store = owners.localStore(
                ProductWindowProcessor.CONVERSION_STORE, QueryableStoreTypes.keyValueStore());
        ProductConversion conversion = store.get(productId);
        if (conversion == null) {
            throw QueryException.notFound("no clicks on product '" + productId + "'");
        }
        return conversion;
    }
}
