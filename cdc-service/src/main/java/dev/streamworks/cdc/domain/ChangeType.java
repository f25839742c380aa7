package dev.streamworks.cdc.domain;

import java.util.Locale;

/** The change feed's {@code _change_type}, as Delta Lake's change data feed names them. */
public enum ChangeType {
    INSERT, UPDATE_PREIMAGE, UPDATE_POSTIMAGE, DELETE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
