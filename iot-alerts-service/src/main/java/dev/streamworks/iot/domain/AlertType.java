package dev.streamworks.iot.domain;

public enum AlertType {
    OVERHEAT, OVERHEAT_ESCALATED
}
