package dev.streamworks.fraud.domain;

public enum AlertType {
    /** The first triggering transaction of an episode. */
    FRAUD_SUSPECTED,
    /** A transaction in an open episode that triggers a rule not yet reported in it. */
    FRAUD_ESCALATED
}
