package dev.streamworks.clickstream.query;

import dev.streamworks.clickstream.ClickstreamProperties;
import dev.streamworks.clickstream.ClickstreamProperties.Output;
import dev.streamworks.common.query.QueryException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueryParamsTest {

    @Test
    void shouldAnswerNotFoundNamingTheSettingForAnOutputTheDeploymentDoesNotCompute() {
        ClickstreamProperties props = ClickstreamProperties.defaults().withOutputs(Output.CLICKS_PER_PRODUCT);

        assertThatCode(() -> QueryParams.requireComputed(props, Output.CLICKS_PER_PRODUCT)).doesNotThrowAnyException();
        assertThatThrownBy(() -> QueryParams.requireComputed(props, Output.USER_ACTIVITY))
                .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.status()).isEqualTo(HttpStatus.NOT_FOUND))
                .hasMessage("output 'user-activity' is not computed by this deployment (streamworks.clickstream.outputs)");
    }

    @Test
    void shouldReadIsoAndEpochTimesAndRejectOthers() {
        assertThat(QueryParams.time("from", "1765285681282", QueryParams.BEGINNING))
                .isEqualTo(Instant.parse("2025-12-09T13:08:01.282Z"));
        assertThat(QueryParams.time("from", null, QueryParams.BEGINNING)).isEqualTo(QueryParams.BEGINNING);
        assertThatThrownBy(() -> QueryParams.time("to", "yesterday", QueryParams.END))
                .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.status()).isEqualTo(HttpStatus.BAD_REQUEST));
    }
}
