package dev.streamworks.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcStatsTest {

    @Test
    void cpuTicksAreUtimePlusStime() {
        String stat = "4242 (java) S 1 4242 4242 0 -1 4194560 51515 0 12 0 1234 567 0 0 20 0 45 0 8866 "
                + "4294967295 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";

        assertThat(ProcStats.cpuTicks(stat)).isEqualTo(1234 + 567);
    }

    @Test
    void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
        String stat = "77 (my (odd) name) R 1 77 77 0 -1 4194560 1 0 0 0 10 20 0 0 20 0 1 0 5 1 1";

        assertThat(ProcStats.cpuTicks(stat)).isEqualTo(30);
    }

    @Test
    void memoryIsVmRssAndVmHwmInBytes() {
        String status = """
                Name:\tjava
                VmPeak:\t 9000000 kB
                VmHWM:\t  512000 kB
                VmRSS:\t  400000 kB
                Threads:\t45
                """;

        assertThat(ProcStats.memory(status)).isEqualTo(new ProcStats.Memory(400000L * 1024, 512000L * 1024));
    }

    @Test
    void statusWithoutMemoryLinesIsAnError() {
        assertThatThrownBy(() -> ProcStats.memory("Name:\tzombie\n")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void loadAverageIsTheFirstField() {
        assertThat(ProcStats.loadAverage("0.73 1.20 1.51 2/345 6789\n")).isEqualTo(0.73);
    }
}
