package dev.streamworks.common.query;

import org.springframework.http.HttpStatus;

/** A query that cannot be answered: a key that is not there (404) or a bad parameter (400). */
public class QueryException extends RuntimeException {

    private final HttpStatus status;

    private QueryException(HttpStatus status, String message) {
        super(message);
        this.status = status;
    }

    public static QueryException notFound(String message) {
        return new QueryException(HttpStatus.NOT_FOUND, message);
    }

    public static QueryException badRequest(String message) {
        return new QueryException(HttpStatus.BAD_REQUEST, message);
    }

    public HttpStatus status() {
        return status;
    }
}
