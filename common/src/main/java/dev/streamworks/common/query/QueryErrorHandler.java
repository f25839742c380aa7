package dev.streamworks.common.query;

import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

import java.util.Map;

/**
 * JSON errors of the query endpoints (CONTRACTS.md section 6): 404 for a key that is not there,
 * 400 for a bad parameter, 503 while the stores are not queryable (starting, rebalancing).
 */
@RestControllerAdvice
public class QueryErrorHandler {

    @ExceptionHandler(QueryException.class)
    ResponseEntity<Map<String, Object>> query(QueryException e) {
        return error(e.status(), e.getMessage());
    }

    @ExceptionHandler({MethodArgumentTypeMismatchException.class, MissingServletRequestParameterException.class})
    ResponseEntity<Map<String, Object>> badParameter(Exception e) {
        return error(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    @ExceptionHandler(InvalidStateStoreException.class)
    ResponseEntity<Map<String, Object>> notQueryable(InvalidStateStoreException e) {
        return error(HttpStatus.SERVICE_UNAVAILABLE, "state not queryable yet: " + e.getMessage());
    }

    private static ResponseEntity<Map<String, Object>> error(HttpStatus status, String message) {
        return ResponseEntity.status(status).body(Map.of("status", status.value(), "error", status.getReasonPhrase(),
                "message", message == null ? "" : message));
    }
}
