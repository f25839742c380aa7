package dev.streamworks.common.query;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorAttributes;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.ServletWebRequest;

import java.net.URI;
import java.util.Locale;

/**
 * The error path ({@code /error}) as an RFC 7807 problem, in place of Spring Boot's own body:
 * what fails outside a controller (a filter, the servlet container's own 404 or 400) is answered
 * in the same shape as {@link QueryErrorHandler}'s problems, {@code instance} being the path
 * that failed.
 */
@RestController
public class ProblemErrorController implements ErrorController {

    private final ErrorAttributes errorAttributes;

    public ProblemErrorController(ErrorAttributes errorAttributes) {
        this.errorAttributes = errorAttributes;
    }

    @RequestMapping("${server.error.path:${error.path:/error}}")
    public ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer value && HttpStatus.resolve(value) != null
                ? HttpStatus.valueOf(value) : HttpStatus.INTERNAL_SERVER_ERROR;
        // the message the container or a filter gave (sendError), else the failure's, else the status's words
        Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        Throwable error = errorAttributes.getError(new ServletWebRequest(request));
        String detail = message != null && !String.valueOf(message).isBlank() ? String.valueOf(message)
                : error != null && error.getMessage() != null ? error.getClass().getSimpleName() + ": " + error.getMessage()
                : status.getReasonPhrase();
        Object path = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(QueryErrorHandler.TYPE_PREFIX + (status == HttpStatus.INTERNAL_SERVER_ERROR
                ? "internal" : status.name().toLowerCase(Locale.ROOT).replace('_', '-'))));
        if (path != null) {
            problem.setInstance(URI.create(String.valueOf(path)));
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
