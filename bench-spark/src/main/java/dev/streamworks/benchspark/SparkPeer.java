package dev.streamworks.benchspark;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.approx_count_distinct;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.session_window;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.unix_millis;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.window;

/**
 * The Spark side of {@code ./bench.sh --peer=spark}: the course's queries (CONTRACTS.md sections 2
 * and 3, as the course wrote them for Spark Structured Streaming) in one {@code local[2]}
 * SparkSession, each a streaming query with {@code Trigger.AvailableNow} over the bench's backlog.
 * <p>
 * Usage: {@code SparkPeer --bootstrap-servers=host:port --pipeline=iot|clicks-per-product|clickstream
 * --checkpoints=<dir> [--shuffle-partitions=6] [--sink=kafka|noop] [--conf=key=value ...]}.
 * <p>
 * Protocol with the bench (stdout, one line each): {@code spark-peer started <queries>} once every
 * query runs, then {@code spark-peer drained <name>=<input rows>,...} once every query has
 * terminated (AvailableNow: the backlog present at the start is processed), or
 * {@code spark-peer failed <reason>}. After "drained" the process waits for its standard input to
 * close (the bench reads its CPU time and peak memory from /proc meanwhile), then stops Spark.
 */
public final class SparkPeer {

    /** Prefix of the output topics, so they never mix with the service's on a shared broker. */
    static final String OUTPUT_PREFIX = "spark.";
    static final double OVERHEAT_THRESHOLD = 80.0;
    static final long ANOMALY_THRESHOLD = 50;

    private final SparkSession spark;
    private final String bootstrapServers;
    private final String checkpoints;
    private final String sink;

    private SparkPeer(SparkSession spark, String bootstrapServers, String checkpoints, String sink) {
        this.spark = spark;
        this.bootstrapServers = bootstrapServers;
        this.checkpoints = checkpoints;
        this.sink = sink;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        Map<String, String> conf = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("expected --name=value: " + arg);
            }
            String name = arg.substring(2, eq);
            String value = arg.substring(eq + 1);
            if (name.equals("conf")) {
                int kv = value.indexOf('=');
                conf.put(value.substring(0, kv), value.substring(kv + 1));
            } else {
                options.put(name, value);
            }
        }
        String pipeline = required(options, "pipeline");
        String bootstrap = required(options, "bootstrap-servers");
        String sink = options.getOrDefault("sink", "kafka");
        if (!sink.equals("kafka") && !sink.equals("noop")) {
            throw new IllegalArgumentException("--sink: kafka or noop");
        }
        List<String> outputs = outputs(pipeline);
        createTopics(bootstrap, pipeline, sink.equals("kafka") ? outputs : List.of());

        SparkSession.Builder builder = SparkSession.builder().appName("streamworks-bench-" + pipeline)
                .master("local[2]")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", options.getOrDefault("shuffle-partitions", "6"))
                .config("spark.sql.streaming.numRecentProgressUpdates", "10000");
        conf.forEach(builder::config);
        SparkSession spark = builder.getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        SparkPeer peer = new SparkPeer(spark, bootstrap, required(options, "checkpoints"), sink);
        try {
            List<StreamingQuery> queries = peer.start(pipeline);
            System.out.println("spark-peer started " + queries.stream().map(StreamingQuery::name)
                    .collect(Collectors.joining(",")));
            Map<String, Long> rows = new LinkedHashMap<>();
            Map<String, Long> written = new LinkedHashMap<>();
            Map<String, Long> batches = new LinkedHashMap<>();
            for (StreamingQuery query : queries) {
                query.awaitTermination();
                long in = 0;
                long out = 0;
                for (StreamingQueryProgress progress : query.recentProgress()) {
                    in += progress.numInputRows();
                    out += Math.max(0, progress.sink().numOutputRows());
                }
                rows.put(query.name(), in);
                written.put(query.name(), out);
                batches.put(query.name(), (long) query.recentProgress().length);
            }
            // for the log: micro-batches and output rows per query (foreachBatch reports no output rows)
            System.out.println("spark-peer batches " + format(batches));
            System.out.println("spark-peer outputs " + format(written));
            System.out.println("spark-peer drained " + format(rows));
        } catch (Exception e) {
            System.out.println("spark-peer failed " + String.valueOf(e).replace('\n', ' '));
            e.printStackTrace();
            spark.stop();
            System.exit(1);
        }
        System.out.flush();
        awaitEndOfInput(System.in);
        spark.stop();
    }

    /** The output topics of a pipeline (without {@link #OUTPUT_PREFIX}). */
    static List<String> outputs(String pipeline) {
        return switch (pipeline) {
            case "iot" -> List.of("device-stats-5m", "device-alerts");
            case "clicks-per-product" -> List.of("clicks-per-product-5m");
            case "clickstream" -> List.of("clicks-per-product-5m", "event-type-counts", "user-sessions",
                    "user-activity", "product-conversion", "activity-anomalies", "click-impression-matches",
                    "segment-dashboard-5m", "event-lateness-1m");
            default -> throw new IllegalArgumentException("unknown pipeline " + pipeline);
        };
    }

    private List<StreamingQuery> start(String pipeline) throws Exception {
        List<StreamingQuery> queries = new ArrayList<>();
        if (pipeline.equals("iot")) {
            queries.add(iot());
            return queries;
        }
        queries.add(clicksPerProduct());
        if (pipeline.equals("clickstream")) {
            queries.add(eventTypeCounts());
            queries.add(userSessions());
            queries.add(userActivity());
            queries.add(productConversion());
            queries.add(activityAnomalies());
            queries.add(clickImpressionMatches());
            queries.add(segmentDashboard());
            queries.add(eventLateness());
        }
        return queries;
    }

    // ---------------------------------------------------------------- inputs

    static final StructType CLICK = new StructType()
            .add("event_id", DataTypes.StringType)
            .add("timestamp", DataTypes.TimestampType)
            .add("user_id", DataTypes.StringType)
            .add("event_type", DataTypes.StringType)
            .add("product_id", DataTypes.StringType)
            .add("product_name", DataTypes.StringType)
            .add("category", DataTypes.StringType)
            .add("price", DataTypes.DoubleType)
            .add("quantity", DataTypes.LongType);

    static final StructType IMPRESSION = new StructType()
            .add("impression_id", DataTypes.StringType)
            .add("user_id", DataTypes.StringType)
            .add("product_id", DataTypes.StringType)
            .add("impression_time", DataTypes.TimestampType);

    static final StructType READING = new StructType()
            .add("device_id", DataTypes.StringType)
            .add("event_timestamp", DataTypes.TimestampType)
            .add("temperature", DataTypes.DoubleType)
            .add("humidity", DataTypes.DoubleType)
            .add("battery", DataTypes.DoubleType);

    static final StructType USER = new StructType()
            .add("user_id", DataTypes.StringType)
            .add("user_segment", DataTypes.StringType);

    /** A Kafka topic's values parsed with {@code schema}; records that do not parse or lack a required field are dropped. */
    private Dataset<Row> stream(String topic, StructType schema, String... required) {
        Dataset<Row> parsed = spark.readStream().format("kafka")
                .option("kafka.bootstrap.servers", bootstrapServers)
                .option("subscribe", topic)
                .option("startingOffsets", "earliest")
                .load()
                .select(from_json(col("value").cast("string"), schema).as("e"))
                .select("e.*");
        for (String field : required) {
            parsed = parsed.where(col(field).isNotNull());
        }
        return parsed;
    }

    /** user-clicks with {@code revenue} = price * quantity of purchases. */
    private Dataset<Row> clicks() {
        return stream("user-clicks", CLICK, "event_id", "timestamp", "user_id", "event_type", "product_id")
                .withColumn("revenue", when(col("event_type").equalTo("purchase"), col("price").multiply(col("quantity"))));
    }

    // ---------------------------------------------------------------- queries

    /** The course's click query: 5-minute clicks and approximate distinct users per product, deduplicated by event_id within 1 h. */
    private StreamingQuery clicksPerProduct() throws Exception {
        Dataset<Row> out = clicks()
                .withWatermark("timestamp", "1 hour")
                .dropDuplicatesWithinWatermark("event_id")
                .groupBy(window(col("timestamp"), "5 minutes"), col("product_id"))
                .agg(count(lit(1)).as("clicks"), approx_count_distinct("user_id").as("unique_users"));
        return write("clicks-per-product-5m", out, col("product_id"), "update");
    }

    /** Events and revenue per event type, hopping 30 s windows every 10 s, 10 s watermark. */
    private StreamingQuery eventTypeCounts() throws Exception {
        Dataset<Row> out = clicks()
                .withWatermark("timestamp", "10 seconds")
                .groupBy(window(col("timestamp"), "30 seconds", "10 seconds"), col("event_type"))
                .agg(count(lit(1)).as("event_count"), sum(col("price").multiply(col("quantity"))).as("total_revenue"));
        return write("event-type-counts", out, col("event_type"), "update");
    }

    /** Activity sessions per user: session_window with a 30-minute gap, emitted when closed (append). */
    private StreamingQuery userSessions() throws Exception {
        Dataset<Row> out = clicks()
                .withWatermark("timestamp", "10 minutes")
                .groupBy(session_window(col("timestamp"), "30 minutes").as("session"), col("user_id"))
                .agg(count(lit(1)).as("events"), count_if(col("event_type").equalTo("purchase")).as("purchases"),
                        sum("revenue").as("revenue"));
        return write("user-sessions", out, col("user_id"), "append");
    }

    /** Running totals per user, no window (update). */
    private StreamingQuery userActivity() throws Exception {
        Dataset<Row> out = clicks()
                .groupBy(col("user_id"))
                .agg(count(lit(1)).as("total_events"), count_if(col("event_type").equalTo("purchase")).as("purchases"),
                        max("timestamp").as("last_activity"));
        return write("user-activity", out, col("user_id"), "update");
    }

    /** Running funnel per product (update). */
    private StreamingQuery productConversion() throws Exception {
        Dataset<Row> out = clicks()
                .groupBy(col("product_id"))
                .agg(count_if(col("event_type").equalTo("view")).as("views"),
                        count_if(col("event_type").equalTo("add_to_cart")).as("add_to_cart"),
                        count_if(col("event_type").equalTo("purchase")).as("purchases"))
                .withColumn("conversion_rate", when(col("views").gt(0), col("purchases").divide(col("views")))
                        .otherwise(lit(0.0)));
        return write("product-conversion", out, col("product_id"), "update");
    }

    /** Users with more than 50 events in a 1-minute window, 5-minute watermark (update). */
    private StreamingQuery activityAnomalies() throws Exception {
        Dataset<Row> out = clicks()
                .withWatermark("timestamp", "5 minutes")
                .groupBy(window(col("timestamp"), "1 minute"), col("user_id"))
                .agg(count(lit(1)).as("events_per_minute"))
                .where(col("events_per_minute").gt(ANOMALY_THRESHOLD));
        return write("activity-anomalies", out, col("user_id"), "update");
    }

    /** Stream-stream inner join: a click within 1 h after an impression of the same user; watermarks 5 and 10 min. */
    private StreamingQuery clickImpressionMatches() throws Exception {
        Dataset<Row> clicks = clicks()
                .select(col("user_id").as("click_user_id"), col("event_id").as("click_event_id"),
                        col("product_id"), col("timestamp").as("click_time"))
                .withWatermark("click_time", "5 minutes");
        Dataset<Row> impressions = stream("user-impressions", IMPRESSION, "impression_id", "user_id", "product_id",
                "impression_time")
                .select(col("impression_id"), col("user_id"), col("impression_time"))
                .withWatermark("impression_time", "10 minutes");
        Dataset<Row> out = impressions.join(clicks, col("user_id").equalTo(col("click_user_id"))
                        .and(col("click_time").geq(col("impression_time")))
                        .and(col("click_time").leq(col("impression_time").plus(expr("INTERVAL 1 HOUR")))))
                .select(col("user_id"), col("impression_id"), col("click_event_id"), col("product_id"),
                        col("impression_time"), col("click_time"),
                        unix_millis(col("click_time")).minus(unix_millis(col("impression_time"))).divide(1000.0)
                                .as("delay_seconds"));
        return write("click-impression-matches", out, col("user_id"), "append");
    }

    /** Clicks joined with the cdc.users table (stream-static, read at start), 5-minute dashboard per segment (update). */
    private StreamingQuery segmentDashboard() throws Exception {
        // the table: the latest value per key; a null value deletes the user
        Dataset<Row> users = spark.read().format("kafka")
                .option("kafka.bootstrap.servers", bootstrapServers)
                .option("subscribe", "cdc.users")
                .option("startingOffsets", "earliest")
                .load()
                .groupBy(col("key").cast("string").as("segment_user_id"))
                .agg(max_by(col("value"), col("offset")).as("value"))
                .where(col("value").isNotNull())
                .select(col("segment_user_id"), from_json(col("value").cast("string"), USER)
                        .getField("user_segment").as("user_segment"));
        Dataset<Row> out = clicks()
                .withWatermark("timestamp", "10 minutes")
                .join(users, col("user_id").equalTo(col("segment_user_id")), "left_outer")
                .withColumn("user_segment", coalesce(col("user_segment"), lit("unknown")))
                .groupBy(window(col("timestamp"), "5 minutes"), col("user_segment"))
                .agg(count(lit(1)).as("total_events"), approx_count_distinct("user_id").as("unique_users"),
                        sum("revenue").as("total_revenue"),
                        count_if(col("event_type").equalTo("purchase")).as("purchases"))
                .withColumn("avg_revenue", when(col("purchases").gt(0), col("total_revenue").divide(col("purchases"))))
                .drop("purchases");
        return write("segment-dashboard-5m", out, col("user_segment"), "update");
    }

    /** Lateness = arrival (the micro-batch's time) - event time, per minute of arrival time (update). */
    private StreamingQuery eventLateness() throws Exception {
        Column lateness = unix_millis(col("arrival")).minus(unix_millis(col("timestamp"))).divide(1000.0);
        Dataset<Row> out = clicks()
                .withColumn("arrival", current_timestamp())
                .withColumn("lateness", lateness)
                .groupBy(window(col("arrival"), "1 minute"))
                .agg(count(lit(1)).as("events"), avg("lateness").as("avg_latency_seconds"),
                        percentile_approx(col("lateness"), lit(0.95), lit(10000)).as("p95_latency_seconds"),
                        percentile_approx(col("lateness"), lit(0.99), lit(10000)).as("p99_latency_seconds"),
                        max("lateness").as("max_latency_seconds"))
                .withColumn("suggested_watermark_seconds", col("p99_latency_seconds").multiply(2));
        return write("event-lateness-1m", out, lit("all"), "update");
    }

    /** The course's IoT query: 5-minute device statistics, 10-minute watermark, overheat alerts (max > 80 °C). */
    private StreamingQuery iot() throws Exception {
        Dataset<Row> stats = stream("iot-telemetry", READING, "device_id", "event_timestamp", "temperature")
                .withWatermark("event_timestamp", "10 minutes")
                .groupBy(window(col("event_timestamp"), "5 minutes"), col("device_id"))
                .agg(avg("temperature").as("avg_temp"), max("temperature").as("max_temp"),
                        min("temperature").as("min_temp"), count(lit(1)).as("num_readings"));
        // one aggregation, two outputs: every closed window to device-stats-5m, the hot ones to device-alerts
        VoidFunction2<Dataset<Row>, Long> both = (batch, id) -> {
            batch.persist();
            writeBatch(batch, "device-stats-5m", col("device_id"));
            writeBatch(batch.where(col("max_temp").gt(OVERHEAT_THRESHOLD))
                    .withColumn("alert_type", lit("OVERHEAT"))
                    .withColumn("threshold", lit(OVERHEAT_THRESHOLD)), "device-alerts", col("device_id"));
            batch.unpersist();
        };
        return stats.writeStream().queryName("device-stats-5m+device-alerts").outputMode("append")
                .option("checkpointLocation", checkpoints + "/iot")
                .trigger(Trigger.AvailableNow())
                .foreachBatch(both)
                .start();
    }

    // ---------------------------------------------------------------- sinks

    private static Dataset<Row> keyed(Dataset<Row> rows, Column key) {
        Column[] fields = java.util.Arrays.stream(rows.columns()).map(c -> col("`" + c + "`")).toArray(Column[]::new);
        return rows.select(key.cast("string").as("key"), to_json(struct(fields)).as("value"));
    }

    private void writeBatch(Dataset<Row> batch, String output, Column key) {
        if (sink.equals("noop")) {
            batch.write().format("noop").mode("overwrite").save();
            return;
        }
        keyed(batch, key).write().format("kafka")
                .option("kafka.bootstrap.servers", bootstrapServers)
                .option("topic", OUTPUT_PREFIX + output)
                .save();
    }

    private StreamingQuery write(String output, Dataset<Row> rows, Column key, String mode) throws Exception {
        DataStreamWriter<Row> writer = (sink.equals("noop") ? rows.writeStream().format("noop")
                : keyed(rows, key).writeStream().format("kafka")
                .option("kafka.bootstrap.servers", bootstrapServers)
                .option("topic", OUTPUT_PREFIX + output));
        return writer.queryName(output).outputMode(mode)
                .option("checkpointLocation", checkpoints + "/" + output)
                .trigger(Trigger.AvailableNow())
                .start();
    }

    // ---------------------------------------------------------------- plumbing

    /**
     * Creates the topics a pipeline reads that do not exist yet (the services create theirs too)
     * and the output topics, 6 partitions each.
     */
    private static void createTopics(String bootstrap, String pipeline, List<String> outputs) throws Exception {
        List<String> names = new ArrayList<>(pipeline.equals("iot") ? List.of("iot-telemetry")
                : pipeline.equals("clickstream") ? List.of("user-clicks", "user-impressions", "cdc.users")
                : List.of("user-clicks"));
        outputs.forEach(o -> names.add(OUTPUT_PREFIX + o));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = names.stream().filter(n -> !existing.contains(n))
                    .map(n -> new NewTopic(n, 6, (short) 1)).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static String format(Map<String, Long> counts) {
        return counts.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    private static void awaitEndOfInput(InputStream in) {
        try {
            byte[] buffer = new byte[256];
            while (in.read(buffer) >= 0) {
                // discard
            }
        } catch (IOException e) {
            // closed: done
        }
    }
}
