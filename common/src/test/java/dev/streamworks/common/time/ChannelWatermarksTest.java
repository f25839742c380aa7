package dev.streamworks.common.time;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ChannelWatermarksTest {

    private static final Stage CLICKS = Stage.input(1, "clicks");
    private static final Stage IMPRESSIONS = Stage.input(2, "impressions");

    private static Stamp record(Stage stage, int partition, long wm) {
        return Stamp.record(stage.channel(partition), wm, wm, wm);
    }

    private static Stamp heartbeat(Stage stage, int partition, long wm, boolean idle) {
        return Stamp.heartbeat(stage.channel(partition), wm, wm, idle, wm);
    }

    @Test
    void unknownUntilEveryChannelOfEveryStageWasHeard() {
        ChannelWatermarks clock = new ChannelWatermarks(new int[] {1, 2}, new int[] {2, 1}, false);
        clock.update(record(CLICKS, 0, 100));
        clock.update(record(CLICKS, 1, 200));
        assertThat(clock.watermark()).isEqualTo(Long.MIN_VALUE);
        assertThat(clock.complete()).isFalse();
        clock.update(heartbeat(IMPRESSIONS, 0, 50, false));
        assertThat(clock.complete()).isTrue();
        assertThat(clock.watermark()).isEqualTo(50);
        assertThat(clock.skew()).isEqualTo(150);
    }

    @Test
    void isTheMinimumOverChannelsAndNeverMovesBack() {
        ChannelWatermarks clock = new ChannelWatermarks(new int[] {1}, new int[] {2}, false);
        clock.update(record(CLICKS, 0, 100));
        clock.update(record(CLICKS, 1, 300));
        assertThat(clock.watermark()).isEqualTo(100);
        // a channel's watermark is the most it ever sent: an older stamp changes nothing
        clock.update(record(CLICKS, 0, 40));
        assertThat(clock.watermark()).isEqualTo(100);
        clock.update(record(CLICKS, 0, 500));
        assertThat(clock.watermark()).isEqualTo(300);
    }

    @Test
    void anIdleChannelStopsHoldingItBackAndRejoinsWithoutMovingItBack() {
        ChannelWatermarks clock = new ChannelWatermarks(new int[] {1}, new int[] {2}, false);
        clock.update(heartbeat(CLICKS, 0, Long.MIN_VALUE, false)); // an empty partition
        clock.update(record(CLICKS, 1, 300));
        assertThat(clock.watermark()).isEqualTo(Long.MIN_VALUE);
        clock.update(heartbeat(CLICKS, 0, Long.MIN_VALUE, true));
        assertThat(clock.watermark()).isEqualTo(300);
        clock.update(record(CLICKS, 0, 120)); // delivers again, behind
        assertThat(clock.watermark()).isEqualTo(300);
        clock.update(record(CLICKS, 1, 400));
        assertThat(clock.watermark()).as("held back by the channel that came back").isEqualTo(300);
        clock.update(record(CLICKS, 0, 350));
        assertThat(clock.watermark()).isEqualTo(350);
    }

    @Test
    void everyChannelIdleGivesTheLargestOrWithIdleCloseTheWallClockAdvancedOne() {
        ChannelWatermarks plain = new ChannelWatermarks(new int[] {1}, new int[] {2}, false);
        ChannelWatermarks closing = new ChannelWatermarks(new int[] {1}, new int[] {2}, true);
        for (ChannelWatermarks clock : new ChannelWatermarks[] {plain, closing}) {
            clock.update(Stamp.heartbeat(CLICKS.channel(0), 100, 100, true, 900));
            clock.update(Stamp.heartbeat(CLICKS.channel(1), 300, 300, true, 700));
        }
        assertThat(plain.watermark()).isEqualTo(300);
        assertThat(closing.watermark()).isEqualTo(900);
    }

    @Test
    void channelsOfUnexpectedStagesOrPartitionsAreIgnored() {
        ChannelWatermarks clock = new ChannelWatermarks(new int[] {1}, new int[] {1}, false);
        assertThat(clock.update(record(IMPRESSIONS, 0, 10))).isFalse();
        assertThat(clock.update(record(CLICKS, 3, 10))).isFalse();
        assertThat(clock.update(record(CLICKS, 0, 10))).isTrue();
        assertThat(clock.watermark()).isEqualTo(10);
    }
}
