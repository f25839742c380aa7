package dev.streamworks.fraud.domain;

import java.math.BigDecimal;
import java.util.List;

/**
 * A user's transactions in one window {@code (t - lookback, t]}.
 *
 * @param transactions how many
 * @param amount       their total amount, exact
 * @param countries    their distinct countries, sorted
 */
public record WindowFigures(int transactions, BigDecimal amount, List<String> countries) {

    public WindowFigures {
        countries = List.copyOf(countries);
    }
}
