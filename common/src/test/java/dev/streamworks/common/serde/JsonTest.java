package dev.streamworks.common.serde;

import dev.streamworks.common.event.InvalidEventException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {

    @ParameterizedTest
    @ValueSource(strings = {"2025-12-09T13:08:01Z", "2025-12-09T13:08:01.2Z", "2025-12-09T13:08:01.28Z",
            "2025-12-09T13:08:01.282Z", "2025-12-09T13:08:01.282123Z", "2025-12-09T13:08:01.282123456Z",
            "1970-01-01T00:00:00Z", "2024-02-29T23:59:59.999Z", "1969-12-31T23:59:59.5Z", "9999-12-31T23:59:59Z"})
    void shouldReadTheCanonicalFormExactlyAsInstantParseDoes(String text) {
        assertThat(Json.parseCanonicalUtc(text)).isEqualTo(Instant.parse(text));
        assertThat(Json.parseTimestamp(text)).isEqualTo(Instant.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-12-09T13:08:01+02:00", "2025-12-09T13:08:01.282", "2025-12-09t13:08:01Z",
            "2025-12-09T13:08:01.Z", "2025-12-09T13:08:01.1234567890Z", "2025-13-09T13:08:01Z",
            "2025-02-30T13:08:01Z", "2025-12-09T24:00:00Z", "2025-12-09T13:60:01Z", "2025-12-09 13:08:01Z",
            "+2025-12-09T13:08:01Z", "2025-12-09T13:08:0xZ"})
    void shouldLeaveEveryOtherFormToTheFullParser(String text) {
        assertThat(Json.parseCanonicalUtc(text)).isNull();
    }

    @Test
    void shouldStillExplainAnInvalidDateInTheCanonicalForm() {
        assertThatThrownBy(() -> Json.parseTimestamp("2025-02-30T13:08:01Z"))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("unparseable timestamp");
    }
}
