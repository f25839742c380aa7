package dev.streamworks.common.query;

import org.springframework.http.HttpStatus;

import java.util.Map;

/**
 * A query that cannot be answered, with what its RFC 7807 problem says: a key that is not there
 * (404), a bad parameter (400), or the instance owning the key that could not be reached (502).
 */
public class QueryException extends RuntimeException {

    private final HttpStatus status;
    private final String type;
    private final String title;
    private final Map<String, Object> properties;

    private QueryException(HttpStatus status, String type, String title, String message,
                           Map<String, Object> properties, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.type = type;
        this.title = title;
        this.properties = properties;
    }

    public static QueryException notFound(String message) {
        return new QueryException(HttpStatus.NOT_FOUND, "not-found", "Not found", message, Map.of(), null);
    }

    public static QueryException badRequest(String message) {
        return new QueryException(HttpStatus.BAD_REQUEST, "bad-parameter", "Bad parameter", message, Map.of(), null);
    }

    /** The instance that owns the key ({@code host:port}) did not answer: down, restarting, or unreachable. */
    public static QueryException ownerUnreachable(String owner, Throwable cause) {
        return new QueryException(HttpStatus.BAD_GATEWAY, "owner-unreachable", "Owner of the key unreachable",
                "the instance " + owner + " owns this key and could not be reached (" + cause + "); it may be "
                        + "restarting: its partitions move to another instance after the group's session timeout",
                Map.of("owner", owner), cause);
    }

    public HttpStatus status() {
        return status;
    }

    /** The last part of the problem's {@code type} URI ({@link QueryErrorHandler#TYPE_PREFIX}). */
    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    /** Extra members of the problem (for example {@code owner}). */
    public Map<String, Object> properties() {
        return properties;
    }
}
