package dev.streamworks.iot.domain;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeviceWindowTest {

    private static final double THRESHOLD = 80.0;
    private static final java.time.Instant AT = dev.streamworks.common.testing.TestTimes.T0;

    @Test
    void shouldKeepCountSumMinAndMax() {
        DeviceWindow window = DeviceWindow.empty().add(20.0, THRESHOLD, AT).window()
                .add(-5.0, THRESHOLD, AT).window()
                .add(30.0, THRESHOLD, AT).window();

        assertThat(window.count()).isEqualTo(3);
        assertThat(window.avg()).isEqualTo(15.0);
        assertThat(window.min()).isEqualTo(-5.0);
        assertThat(window.max()).isEqualTo(30.0);
        assertThat(window.alerted()).isFalse();
    }

    @Test
    void shouldNotAlertAtTheThresholdItself() {
        assertThat(DeviceWindow.empty().add(THRESHOLD, THRESHOLD, AT).alert()).isNull();
    }

    @Test
    void shouldAlertOnceWhenTheMaximumFirstCrossesThenEscalateOnlyWhenItRisesAgain() {
        DeviceWindow.Update crossing = DeviceWindow.empty().add(70.0, THRESHOLD, AT).window().add(80.5, THRESHOLD, AT);
        DeviceWindow.Update lower = crossing.window().add(80.2, THRESHOLD, AT);
        DeviceWindow.Update same = lower.window().add(80.5, THRESHOLD, AT);
        DeviceWindow.Update higher = same.window().add(85.0, THRESHOLD, AT);

        assertThat(crossing.alert()).isEqualTo(AlertType.OVERHEAT);
        assertThat(crossing.window().alertedMax()).isEqualTo(80.5);
        assertThat(lower.alert()).isNull();
        assertThat(same.alert()).isNull();
        assertThat(higher.alert()).isEqualTo(AlertType.OVERHEAT_ESCALATED);
        assertThat(higher.window().escalations()).isEqualTo(1);
        assertThat(higher.window().alertedMax()).isEqualTo(85.0);
    }
}
