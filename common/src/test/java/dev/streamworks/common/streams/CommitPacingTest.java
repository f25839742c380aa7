package dev.streamworks.common.streams;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Commits paced by the backlog: the hysteresis, one punctuation per task, and the wrapped processors left as they are. */
class CommitPacingTest {

    private final AtomicLong lag = new AtomicLong(-1);
    private final CommitPacing.Pacer pacer = new CommitPacing.Pacer(lag::get, Duration.ofMillis(100), 50_000);
    private final List<String> processed = new ArrayList<>();
    private final StoreBuilder<KeyValueStore<Bytes, byte[]>> store = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore("some-store"), Serdes.Bytes(), Serdes.ByteArray());
    private final ProcessorSupplier<String, String, String, String> supplier = new ProcessorSupplier<>() {
        @Override
        public Processor<String, String, String, String> get() {
            return record -> processed.add(record.value());
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.of(store);
        }
    };

    private CommitPacing wrapper(Object pacerConfig) {
        CommitPacing wrapper = new CommitPacing();
        wrapper.configure(pacerConfig == null ? Map.of() : Map.of(CommitPacing.CONFIG, pacerConfig));
        return wrapper;
    }

    private static MockProcessorContext<String, String> context(TaskId task) {
        return new MockProcessorContext<>(new Properties(), task, new File(System.getProperty("java.io.tmpdir")));
    }

    @Test
    void shouldCatchUpFromTheBacklogLagAndStopBelowAFifthOfIt() {
        // unknown lag (no reading yet): caught up
        assertThat(pacer.catchingUp()).isFalse();
        lag.set(49_999);
        assertThat(pacer.catchingUp()).isFalse();
        lag.set(50_000);
        assertThat(pacer.catchingUp()).isTrue();
        // hysteresis: still catching up while the backlog is at least a fifth of the threshold
        lag.set(10_000);
        assertThat(pacer.catchingUp()).isTrue();
        assertThat(pacer.lastCatchingUp()).isTrue();
        lag.set(9_999);
        assertThat(pacer.catchingUp()).isFalse();
        lag.set(30_000);
        assertThat(pacer.catchingUp()).as("below the threshold again, not caught up on the way up").isFalse();
        lag.set(-1);
        assertThat(pacer.catchingUp()).isFalse();
    }

    @Test
    void shouldRefuseANonPositiveIntervalOrLag() {
        assertThatThrownBy(() -> new CommitPacing.Pacer(lag::get, Duration.ZERO, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CommitPacing.Pacer(lag::get, Duration.ofMillis(100), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldAskForACommitEachLiveIntervalInTheFirstProcessorOfATaskUnlessCatchingUp() {
        ProcessorSupplier<String, String, String, String> wrapped =
                wrapper(pacer).wrapProcessorSupplier("node", supplier);
        TaskId task = new TaskId(1, 3);
        MockProcessorContext<String, String> first = context(task);
        MockProcessorContext<String, String> second = context(task);
        Processor<String, String, String, String> one = wrapped.get();
        Processor<String, String, String, String> two = wrapped.get();

        one.init(first);
        two.init(second);

        assertThat(first.scheduledPunctuators()).singleElement().satisfies(punctuation -> {
            assertThat(punctuation.getInterval()).as("a quarter of the live interval").isEqualTo(Duration.ofMillis(25));
            assertThat(punctuation.getType()).isEqualTo(PunctuationType.WALL_CLOCK_TIME);
        });
        assertThat(second.scheduledPunctuators()).as("one punctuation per task").isEmpty();
        assertThat(pacer.pacedTasks()).isEqualTo(1);

        lag.set(100);
        first.scheduledPunctuators().get(0).getPunctuator().punctuate(0);
        assertThat(first.committed()).isTrue();

        first.resetCommit();
        lag.set(1_000_000);
        first.scheduledPunctuators().get(0).getPunctuator().punctuate(100);
        assertThat(first.committed()).as("catching up: the catch-up interval commits").isFalse();

        // the processors run as they are
        one.process(new Record<>("k", "a", 0));
        two.process(new Record<>("k", "b", 0));
        assertThat(processed).containsExactly("a", "b");

        // closed (a rebalance), the task's next processors pace it again
        two.close();
        assertThat(pacer.pacedTasks()).isEqualTo(1);
        one.close();
        assertThat(pacer.pacedTasks()).isZero();
        MockProcessorContext<String, String> reopened = context(task);
        wrapped.get().init(reopened);
        assertThat(reopened.scheduledPunctuators()).hasSize(1);
        assertThat(pacer.pacedTasks()).isEqualTo(1);
    }

    @Test
    void shouldAskOncePerLiveIntervalForAllTheTasksOfAStreamThread() {
        // a thread commits all its tasks at once; their punctuations fire at their own phases
        ProcessorSupplier<String, String, String, String> wrapped =
                wrapper(pacer).wrapProcessorSupplier("node", supplier);
        List<MockProcessorContext<String, String>> tasks = new ArrayList<>();
        for (int partition = 0; partition < 3; partition++) {
            MockProcessorContext<String, String> context = context(new TaskId(0, partition));
            wrapped.get().init(context);
            tasks.add(context);
        }
        lag.set(0);

        tasks.get(0).scheduledPunctuators().get(0).getPunctuator().punctuate(1_000);
        tasks.get(1).scheduledPunctuators().get(0).getPunctuator().punctuate(1_030);
        tasks.get(2).scheduledPunctuators().get(0).getPunctuator().punctuate(1_099);
        assertThat(tasks).extracting(MockProcessorContext::committed).containsExactly(true, false, false);

        tasks.get(1).scheduledPunctuators().get(0).getPunctuator().punctuate(1_130);
        assertThat(tasks.get(1).committed()).as("a live interval after the last ask").isTrue();
    }

    @Test
    void shouldPaceEachTaskApart() {
        ProcessorSupplier<String, String, String, String> wrapped =
                wrapper(pacer).wrapProcessorSupplier("node", supplier);
        for (int partition = 0; partition < 3; partition++) {
            MockProcessorContext<String, String> context = context(new TaskId(0, partition));
            wrapped.get().init(context);
            assertThat(context.scheduledPunctuators()).hasSize(1);
        }
        assertThat(pacer.pacedTasks()).isEqualTo(3);
    }

    @Test
    void shouldKeepTheStoresOfTheWrappedProcessor() {
        assertThat(wrapper(pacer).wrapProcessorSupplier("node", supplier).stores()).containsExactly(store);
        assertThat(wrapper(null).wrapProcessorSupplier("node", supplier).stores()).containsExactly(store);
    }

    @Test
    void shouldChangeNothingWithoutAPacer() {
        // a topology built from these settings without the service's pacer (a test driver)
        MockProcessorContext<String, String> context = context(new TaskId(0, 0));
        Processor<String, String, String, String> processor =
                wrapper(null).wrapProcessorSupplier("node", supplier).get();
        processor.init(context);
        processor.process(new Record<>("k", "a", 0));

        assertThat(context.scheduledPunctuators()).isEmpty();
        assertThat(processed).containsExactly("a");
    }
}
