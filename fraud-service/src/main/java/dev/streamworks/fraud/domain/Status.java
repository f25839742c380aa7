package dev.streamworks.fraud.domain;

/** Where a user is in the fraud state machine. */
public enum Status {
    /** No open episode: the next transaction that triggers a rule opens one. */
    CLEAR,
    /** An episode is open: only a rule not yet reported in it raises another alert. */
    SUSPECTED
}
