package dev.streamworks.common.time;

import org.apache.kafka.common.header.Headers;

/**
 * Test support (common's test-jar): writes a {@link Stamp} into record headers exactly as a
 * {@link Sender} does. {@code Stamp#writeTo} is package-private, and this class lives in the same
 * package under {@code src/test}, so no production API exists for it.
 */
public final class TestStamps {

    private TestStamps() {
    }

    /** {@code headers} with {@code stamp} in place of any earlier one. */
    public static Headers write(Stamp stamp, Headers headers) {
        return stamp.writeTo(headers);
    }
}
