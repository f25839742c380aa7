package dev.streamworks.common.query;

import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.ServerSocket;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Every error of the query API is an RFC 7807 problem: type, title, status, detail, instance. */
class QueryErrorHandlerTest {

    @RestController
    static class Queries {

        @GetMapping("/api/things/{id}")
        String thing(@PathVariable String id, @RequestParam(defaultValue = "1") int limit) {
            switch (id) {
                case "missing" -> throw QueryException.notFound("no thing 'missing'");
                case "restoring" -> throw new InvalidStateStoreException("store things is restoring");
                case "broken" -> throw new IllegalStateException("boom");
                case "remote" -> {
                    int port;
                    try (ServerSocket socket = new ServerSocket(0)) {
                        port = socket.getLocalPort();
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                    // nobody listens there any more: the owner is down
                    return new String(new KeyOwners(() -> null, "localhost:1")
                            .forward(new HostInfo("localhost", port), "/api/things/remote").getBody());
                }
                default -> {
                    return id;
                }
            }
        }
    }

    private final MockMvc mvc = MockMvcBuilders.standaloneSetup(new Queries())
            .setControllerAdvice(new QueryErrorHandler()).build();

    @Test
    void shouldAnswerAMissingKeyWithANotFoundProblem() throws Exception {
        mvc.perform(get("/api/things/missing"))
                .andExpect(status().isNotFound())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value("urn:streamworks:problem:not-found"))
                .andExpect(jsonPath("$.title").value("Not found"))
                .andExpect(jsonPath("$.status").value(404))
                .andExpect(jsonPath("$.detail").value("no thing 'missing'"))
                .andExpect(jsonPath("$.instance").value("/api/things/missing"));
    }

    @Test
    void shouldNameTheOwnerThatCouldNotBeReached() throws Exception {
        mvc.perform(get("/api/things/remote"))
                .andExpect(status().isBadGateway())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value("urn:streamworks:problem:owner-unreachable"))
                .andExpect(jsonPath("$.status").value(502))
                .andExpect(jsonPath("$.owner").value(org.hamcrest.Matchers.startsWith("localhost:")))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("could not be reached")))
                .andExpect(jsonPath("$.instance").value("/api/things/remote"));
    }

    @Test
    void shouldAnswerBadParametersStoresNotReadyWrongMethodsAndFailuresAsProblems() throws Exception {
        mvc.perform(get("/api/things/a?limit=many"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value("urn:streamworks:problem:bad-parameter"))
                .andExpect(jsonPath("$.detail").value("parameter 'limit' cannot be read from 'many'"));
        mvc.perform(get("/api/things/restoring"))
                .andExpect(status().isServiceUnavailable())
                .andExpect(jsonPath("$.type").value("urn:streamworks:problem:not-queryable"));
        mvc.perform(post("/api/things/a"))
                .andExpect(status().isMethodNotAllowed())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value("urn:streamworks:problem:method-not-allowed"))
                .andExpect(jsonPath("$.status").value(405))
                .andExpect(jsonPath("$.instance").value("/api/things/a"));
        mvc.perform(get("/api/things/broken"))
                .andExpect(status().isInternalServerError())
                .andExpect(jsonPath("$.type").value("urn:streamworks:problem:internal"))
                .andExpect(jsonPath("$.detail").value("IllegalStateException: boom"));
    }
}
