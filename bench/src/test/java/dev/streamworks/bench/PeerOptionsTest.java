package dev.streamworks.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PeerOptionsTest {

    private static final Path REPO = Path.of("/repo");

    @Test
    void withoutPeerTheArgumentsPassThroughUntouched() {
        String[] args = {"--pipelines=iot", "--events=20000", "--modes=latency"};

        PeerOptions.Split split = PeerOptions.split(args);

        assertThat(split.peer()).isNull();
        assertThat(split.rest()).containsExactly(args);
    }

    @Test
    void optionsWrittenWithASpaceReadAsWithAnEqualsSign() {
        PeerOptions.Split split = PeerOptions.split(new String[] {"--peer", "spark", "--events", "1000",
                "--events", "2000", "--page", "--spark-sink", "noop", "--pipelines", "iot"});
        BenchOptions o = BenchOptions.parse(split.rest(), REPO);

        assertThat(split.peer()).isEqualTo(new PeerOptions("spark", List.of(1000, 2000), 6, "noop", List.of()));
        assertThat(o.events()).isEqualTo(1000);
        assertThat(o.page()).isTrue();
        assertThat(o.pipelines()).containsExactly("iot");
    }

    @Test
    void peerDefaultsToOneDrainUnderExactlyOnceAtTheBenchsBacklog() {
        PeerOptions.Split split = PeerOptions.split(new String[] {"--peer=spark", "--pipelines=iot"});
        BenchOptions o = BenchOptions.parse(split.rest(), REPO);

        assertThat(split.peer()).isEqualTo(new PeerOptions("spark", List.of(1_000_000), 6, "kafka", List.of()));
        assertThat(o.modes()).containsExactly("drain");
        assertThat(o.guarantees()).containsExactly("exactly_once_v2");
        assertThat(o.pipelines()).containsExactly("iot");
    }

    @Test
    void repeatedEventsAreTheBacklogSizesInOrderAndTheBenchGetsTheFirst() {
        PeerOptions.Split split = PeerOptions.split(new String[] {"--peer=spark", "--events=1000000",
                "--events=5_000_000", "--spark-shuffle-partitions=2", "--spark-sink=noop",
                "--spark-conf=spark.sql.streaming.stateStore.providerClass=x", "--runs=1"});
        BenchOptions o = BenchOptions.parse(split.rest(), REPO);

        assertThat(split.peer().events()).containsExactly(1_000_000, 5_000_000);
        assertThat(split.peer().shufflePartitions()).isEqualTo(2);
        assertThat(split.peer().sink()).isEqualTo("noop");
        assertThat(split.peer().sparkConf()).containsExactly("spark.sql.streaming.stateStore.providerClass=x");
        assertThat(o.events()).isEqualTo(1_000_000);
        assertThat(o.withEvents(5_000_000).events()).isEqualTo(5_000_000);
        assertThat(o.runs()).isEqualTo(1);
    }

    @Test
    void theCommandLineReproducesTheRun() {
        PeerOptions.Split split = PeerOptions.split(new String[] {"--peer=spark", "--pipelines=iot,clickstream",
                "--events=1000000", "--events=5000000", "--runs=1", "--spark-shuffle-partitions=2"});
        BenchOptions o = BenchOptions.parse(split.rest(), REPO);

        String line = split.peer().commandLine(o);

        assertThat(line).isEqualTo("./bench.sh --pipelines=iot,clickstream --modes=drain --guarantees=exactly_once_v2"
                + " --events=1000000 --events=5000000 --backlog-span=1h --runs=1 --peer=spark"
                + " --spark-shuffle-partitions=2");
        PeerOptions.Split again = PeerOptions.split(line.substring("./bench.sh ".length()).split(" "));
        assertThat(again.peer()).isEqualTo(split.peer());
        assertThat(BenchOptions.parse(again.rest(), REPO)).isEqualTo(o);
    }

    @Test
    void rejectsWhatThePeerCannotCompare() {
        assertThatThrownBy(() -> PeerOptions.split(new String[] {"--peer=flink"}))
                .hasMessageContaining("only spark");
        assertThatThrownBy(() -> PeerOptions.split(new String[] {"--peer=spark", "--modes=drain,latency"}))
                .hasMessageContaining("drains only");
        assertThatThrownBy(() -> PeerOptions.split(new String[] {"--guarantees=exactly_once_v2,at_least_once",
                "--peer=spark"})).hasMessageContaining("one guarantee");
        assertThatThrownBy(() -> PeerOptions.split(new String[] {"--spark-sink=noop"}))
                .hasMessageContaining("need --peer=spark");
        assertThatThrownBy(() -> PeerOptions.split(new String[] {"--peer=spark", "--spark-sink=console"}))
                .hasMessageContaining("kafka or noop");
        assertThatThrownBy(() -> PeerOptions.split(new String[] {"--peer=spark", "--spark-conf=novalue"}))
                .hasMessageContaining("key=value");
        assertThatThrownBy(() -> PeerOptions.split(new String[] {"--peer=spark", "--events=0"}))
                .hasMessageContaining("positive");
    }

    @Test
    void theDrainedLineGivesTheInputRowsPerQuery() {
        assertThat(SparkRun.parseDrained("spark-peer drained clicks-per-product-5m=1000000,device-stats-5m+device-alerts=7"))
                .containsExactly(java.util.Map.entry("clicks-per-product-5m", 1_000_000L),
                        java.util.Map.entry("device-stats-5m+device-alerts", 7L));
        assertThatThrownBy(() -> SparkRun.parseDrained("spark-peer failed boom")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSparkVersionComesFromItsCoreJar() {
        assertThat(SparkRun.sparkVersion("/m2/org/scala-lang/scala-library/2.13.16/scala-library-2.13.16.jar:"
                + "/m2/org/apache/spark/spark-core_2.13/4.1.1/spark-core_2.13-4.1.1.jar")).isEqualTo("4.1.1");
        assertThat(SparkRun.sparkVersion("/a.jar")).isEqualTo("unknown");
    }

    @Test
    void fraudHasNoSparkQuery(@org.junit.jupiter.api.io.TempDir Path repo) throws Exception {
        PeerOptions.Split split = PeerOptions.split(new String[] {"--peer=spark", "--pipelines=fraud"});
        BenchOptions o = BenchOptions.parse(split.rest(), repo);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

        int exit = PeerBench.run(o, split.peer(), new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));

        assertThat(exit).isEqualTo(2);
        assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("skipping fraud: bench-spark has no fraud query")
                .contains("no pipeline to compare with Spark");
    }
}
