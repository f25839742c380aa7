package dev.streamworks.common.query;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsNotStartedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import java.net.URI;

/**
 * Every error of the query endpoints as an RFC 7807 {@code application/problem+json} body
 * ({@code type}, {@code title}, {@code status}, {@code detail}, {@code instance}; docs/endpoints.md): 404 for a key that is not there, 400 for a bad parameter, 502 naming the owner of a
 * key that could not be reached, 503 while the stores are not queryable (starting, rebalancing),
 * Spring MVC's own errors (unknown path, wrong method ...) as Spring words them, and 500 for
 * anything else. {@code type} is {@value #TYPE_PREFIX} followed by the kind of problem.
 */
@RestControllerAdvice
public class QueryErrorHandler extends ResponseEntityExceptionHandler {

    /** Prefix of every problem {@code type} of the query API. */
    public static final String TYPE_PREFIX = "urn:streamworks:problem:";

    private static final Logger log = LoggerFactory.getLogger(QueryErrorHandler.class);

    @ExceptionHandler(QueryException.class)
    ResponseEntity<Object> query(QueryException e, HttpServletRequest request) {
        ProblemDetail problem = problem(e.status(), e.type(), e.title(), e.getMessage(), request);
        e.properties().forEach(problem::setProperty);
        return respond(problem);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> badParameter(MethodArgumentTypeMismatchException e, HttpServletRequest request) {
        return respond(problem(HttpStatus.BAD_REQUEST, "bad-parameter", "Bad parameter",
                "parameter '" + e.getName() + "' cannot be read from '" + e.getValue() + "'", request));
    }

    @ExceptionHandler({InvalidStateStoreException.class, StreamsNotStartedException.class})
    ResponseEntity<Object> notQueryable(RuntimeException e, HttpServletRequest request) {
        return respond(problem(HttpStatus.SERVICE_UNAVAILABLE, "not-queryable", "State not queryable yet",
                "state not queryable yet (starting, restoring or rebalancing): " + e.getMessage(), request));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e, HttpServletRequest request) {
        log.error("Query {} failed", request.getRequestURI(), e);
        return respond(problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "Internal error",
                e.getClass().getSimpleName() + ": " + e.getMessage(), request));
    }

    /** Spring MVC's own errors (400, 404, 405, 406, 415 ...): its ProblemDetail, with our type and instance. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
                                                             HttpStatusCode statusCode, WebRequest request) {
        ProblemDetail problem = body instanceof ProblemDetail detail ? detail
                : ProblemDetail.forStatusAndDetail(statusCode, ex.getMessage());
        HttpStatus status = HttpStatus.resolve(statusCode.value());
        problem.setType(URI.create(TYPE_PREFIX + (status == null ? "http-" + statusCode.value()
                : status.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))));
        if (request instanceof ServletWebRequest servlet) {
            problem.setInstance(URI.create(servlet.getRequest().getRequestURI()));
        }
        return ResponseEntity.status(statusCode).headers(headers).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    private static ProblemDetail problem(HttpStatus status, String type, String title, String detail,
                                         HttpServletRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail == null ? "" : detail);
        problem.setType(URI.create(TYPE_PREFIX + type));
        problem.setTitle(title);
        problem.setInstance(URI.create(request.getRequestURI()));
        return problem;
    }

    private static ResponseEntity<Object> respond(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
