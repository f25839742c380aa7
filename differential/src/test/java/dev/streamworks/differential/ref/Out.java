package dev.streamworks.differential.ref;

import tools.jackson.databind.JsonNode;

/**
 * One output record as the comparison sees it: key, value (JSON for the outputs, the original text
 * for {@code .late} and {@code .dlq}) and, for {@code .late}, the {@code x-late-reason} header.
 */
public record Out(String key, JsonNode value, String reason) {

    @Override
    public String toString() {
        String text = value == null ? "null" : value.isString() ? value.asString() : value.toString();
        return key + " " + (text.length() > 400 ? text.substring(0, 400) + "..." : text)
                + (reason == null ? "" : " [" + reason + "]");
    }
}
