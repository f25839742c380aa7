package dev.streamworks.common.streams;

/** Names of the topics every service has (docs/README.md). */
public final class Topics {

    private Topics() {
    }

    public static String deadLetter(String applicationId) {
        return applicationId + ".dlq";
    }

    public static String late(String applicationId) {
        return applicationId + ".late";
    }
}
