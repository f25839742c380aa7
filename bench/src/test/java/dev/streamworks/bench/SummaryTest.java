package dev.streamworks.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SummaryTest {

    @Test
    void minMedianMaxOfAnOddNumberOfRuns() {
        Summary s = Summary.of(List.of(30.0, 10.0, 20.0));

        assertThat(s).isEqualTo(new Summary(10.0, 20.0, 30.0, 3));
        assertThat(s.format("%.0f")).isEqualTo("20 (10–30)");
    }

    @Test
    void theMedianOfAnEvenNumberIsTheMeanOfTheMiddleTwo() {
        assertThat(Summary.of(List.of(4.0, 1.0, 3.0, 2.0)).median()).isEqualTo(2.5);
    }

    @Test
    void oneRunIsJustItsValue() {
        assertThat(Summary.of(List.of(1234.5)).format("%,.0f")).isEqualTo("1,235");
    }

    @Test
    void noRunsIsAnError() {
        assertThatThrownBy(() -> Summary.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
