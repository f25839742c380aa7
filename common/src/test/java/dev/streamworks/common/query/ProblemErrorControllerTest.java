package dev.streamworks.common.query;

import jakarta.servlet.RequestDispatcher;
import org.junit.jupiter.api.Test;
import org.springframework.boot.webmvc.error.DefaultErrorAttributes;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

/** What reaches Spring's error path (a filter, the container) is a problem too, naming the path that failed. */
class ProblemErrorControllerTest {

    private final ProblemErrorController controller = new ProblemErrorController(new DefaultErrorAttributes());

    @Test
    void shouldAnswerAFailureOutsideTheControllersAsAnInternalProblem() {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/error");
        request.setAttribute(RequestDispatcher.ERROR_STATUS_CODE, 500);
        request.setAttribute(RequestDispatcher.ERROR_REQUEST_URI, "/api/devices/d1/stats");
        request.setAttribute(RequestDispatcher.ERROR_EXCEPTION, new IllegalStateException("filter broke"));

        ResponseEntity<ProblemDetail> response = controller.error(request);

        assertThat(response.getStatusCode().value()).isEqualTo(500);
        assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        ProblemDetail problem = response.getBody();
        assertThat(problem.getType()).isEqualTo(URI.create("urn:streamworks:problem:internal"));
        assertThat(problem.getStatus()).isEqualTo(500);
        assertThat(problem.getTitle()).isNotBlank();
        assertThat(problem.getDetail()).isEqualTo("IllegalStateException: filter broke");
        assertThat(problem.getInstance()).isEqualTo(URI.create("/api/devices/d1/stats"));
    }

    @Test
    void shouldKeepTheContainersStatusAsTheProblemsType() {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/error");
        request.setAttribute(RequestDispatcher.ERROR_STATUS_CODE, 404);
        request.setAttribute(RequestDispatcher.ERROR_REQUEST_URI, "/api/nothing");

        ProblemDetail problem = controller.error(request).getBody();

        assertThat(problem.getStatus()).isEqualTo(404);
        assertThat(problem.getType()).isEqualTo(URI.create("urn:streamworks:problem:not-found"));
        assertThat(problem.getDetail()).isEqualTo("Not Found");
        assertThat(problem.getInstance()).isEqualTo(URI.create("/api/nothing"));
    }
}
