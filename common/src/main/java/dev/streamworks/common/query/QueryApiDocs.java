package dev.streamworks.common.query;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.springdoc.core.customizers.OpenApiCustomizer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OpenAPI description of a service's query endpoints ({@code /v3/api-docs}): the service's
 * name, and on every operation the RFC 7807 problems {@link QueryErrorHandler} answers with, as
 * one {@code Problem} schema.
 */
public final class QueryApiDocs implements OpenApiCustomizer {

    static final String PROBLEM = "Problem";

    /** Status, and when the query API answers it. */
    private static final Map<String, String> PROBLEMS = new LinkedHashMap<>();

    static {
        PROBLEMS.put("400", "bad-parameter: a parameter cannot be read");
        PROBLEMS.put("404", "not-found: the key is not there");
        PROBLEMS.put("500", "internal: the query failed");
        PROBLEMS.put("502", "owner-unreachable: the instance owning the key did not answer (member 'owner')");
        PROBLEMS.put("503", "not-queryable: the stores are starting, restoring or rebalancing");
    }

    private final String title;
    private final String description;

    public QueryApiDocs(String title, String description) {
        this.title = title;
        this.description = description;
    }

    @Override
    public void customise(OpenAPI openApi) {
        openApi.info(new Info().title(title).description(description).version("v1"));
        openApi.getComponents().addSchemas(PROBLEM, problemSchema());
        if (openApi.getPaths() == null) {
            return;
        }
        openApi.getPaths().values().forEach(path -> path.readOperations().forEach(this::addProblems));
    }

    private void addProblems(Operation operation) {
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        PROBLEMS.forEach((status, meaning) -> responses.addApiResponse(status, new ApiResponse().description(meaning)
                .content(new Content().addMediaType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                        new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))))));
        operation.setResponses(responses);
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Schema<?> problemSchema() {
        Schema schema = new ObjectSchema().description("An RFC 7807 problem");
        schema.addProperty("type", new StringSchema().example(QueryErrorHandler.TYPE_PREFIX + "not-found")
                .description(QueryErrorHandler.TYPE_PREFIX + " followed by the kind of problem"));
        schema.addProperty("title", new StringSchema());
        schema.addProperty("status", new IntegerSchema());
        schema.addProperty("detail", new StringSchema());
        schema.addProperty("instance", new StringSchema().description("the request path"));
        schema.addProperty("owner", new StringSchema().description("502 only: host:port of the unreachable owner"));
        return schema;
    }
}
