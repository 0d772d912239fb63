package org.cxr.spark;

import org.cxr.backup.BackupOptions;
import org.cxr.datamart.DataMartOptions;
import org.cxr.lake.pipeline.Watermarks;
import org.cxr.lake.sql.DatabaseConfig;
import org.cxr.lake.sql.SqlDialect;
import org.cxr.lake.store.ObjectStoreConfig;
import org.cxr.warehouse.WarehouseConfig;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * What a Spark job is told, by the environment variables the application reads (the README's Configuration table), so
 * that a job and the application given the same environment reach the same lake, bucket and warehouse. The
 * application binds them with Spring Boot, which a Spark job does not carry; the names and defaults are the same, and
 * {@code SparkSettingsTest} checks the names against the README. The job has no embedded servers: the database, S3 and
 * (for the warehouse) the warehouse are named. Executors get what they reach as {@link Stores}.
 *
 * @param jdbcPartitions id ranges each table is read in ({@code CXR_SPARK_JDBC_PARTITIONS})
 * @param jdbcConnections at most this many of those ranges are read at once, so at most this many connections to the
 *         database ({@code CXR_SPARK_JDBC_CONNECTIONS}; default: as many as ranges)
 * @param partitions tasks that write files or documents ({@code CXR_SPARK_PARTITIONS}; 0: twice the cores Spark has)
 */
public record SparkSettings(
        String databaseUrl,
        String databaseUsername,
        Optional<String> databasePassword,
        String s3Bucket,
        Optional<String> s3Region,
        Optional<String> s3Endpoint,
        Optional<String> s3AccessKey,
        Optional<String> s3SecretKey,
        boolean s3PathStyle,
        Optional<String> warehouseUri,
        String warehouseDatabase,
        boolean warehouseTls,
        Optional<String> warehouseCaFile,
        Optional<String> dataMartDir,
        double trainRatio,
        Duration settle,
        int jdbcPartitions,
        int jdbcConnections,
        int partitions)
{
    public static final int DEFAULT_JDBC_PARTITIONS = 8;
    static final String DEFAULT_BUCKET = "cxr-images";
    private static final String DEFAULT_REGION = "us-east-1";

    /** The variables, as the README names them; the last three are the Spark jobs' own. */
    public enum Variable
    {
        DATABASE_URL("CXR_DATABASE_URL"),
        DATABASE_USERNAME("CXR_DATABASE_USERNAME"),
        DATABASE_PASSWORD("CXR_DATABASE_PASSWORD"),
        S3_REGION("CXR_S3_REGION"),
        S3_ENDPOINT("CXR_S3_ENDPOINT"),
        S3_BUCKET("CXR_S3_BUCKET"),
        S3_ACCESS_KEY("CXR_S3_ACCESS_KEY"),
        S3_SECRET_KEY("CXR_S3_SECRET_KEY"),
        S3_PATH_STYLE("CXR_S3_PATH_STYLE"),
        WAREHOUSE_URI("CXR_WAREHOUSE_URI"),
        WAREHOUSE_DATABASE("CXR_WAREHOUSE_DATABASE"),
        WAREHOUSE_TLS("CXR_WAREHOUSE_TLS"),
        WAREHOUSE_CA_FILE("CXR_WAREHOUSE_CA_FILE"),
        DATAMART_DIR("CXR_DATAMART_DIR"),
        DATAMART_TRAIN_RATIO("CXR_DATAMART_TRAIN_RATIO"),
        PIPELINE_SETTLE("CXR_PIPELINE_SETTLE"),
        SPARK_JDBC_PARTITIONS("CXR_SPARK_JDBC_PARTITIONS"),
        SPARK_JDBC_CONNECTIONS("CXR_SPARK_JDBC_CONNECTIONS"),
        SPARK_PARTITIONS("CXR_SPARK_PARTITIONS");

        private final String variableName;

        Variable(String variableName)
        {
            this.variableName = variableName;
        }

        public String variableName()
        {
            return variableName;
        }
    }

    public SparkSettings
    {
        requireNonNull(databaseUrl, "databaseUrl");
        requireNonNull(databaseUsername, "databaseUsername");
        requireNonNull(databasePassword, "databasePassword");
        requireNonNull(s3Bucket, "s3Bucket");
        requireNonNull(s3Region, "s3Region");
        requireNonNull(s3Endpoint, "s3Endpoint");
        requireNonNull(s3AccessKey, "s3AccessKey");
        requireNonNull(s3SecretKey, "s3SecretKey");
        requireNonNull(warehouseUri, "warehouseUri");
        requireNonNull(warehouseDatabase, "warehouseDatabase");
        requireNonNull(warehouseCaFile, "warehouseCaFile");
        requireNonNull(dataMartDir, "dataMartDir");
        requireNonNull(settle, "settle");
        // The dialect follows from the URL: a URL of another database is refused here, before Spark starts.
        SqlDialect.fromJdbcUrl(databaseUrl);
        if (jdbcPartitions < 1 || jdbcConnections < 1 || partitions < 0) {
            throw new IllegalArgumentException("CXR_SPARK_JDBC_PARTITIONS and CXR_SPARK_JDBC_CONNECTIONS must be at least 1, CXR_SPARK_PARTITIONS at least 0");
        }
        if (s3AccessKey.isPresent() != s3SecretKey.isPresent()) {
            throw new IllegalArgumentException("CXR_S3_ACCESS_KEY and CXR_S3_SECRET_KEY go together");
        }
    }

    /** From the environment ({@code System.getenv()}); a missing database URL is an error, the job has no embedded one. */
    public static SparkSettings fromEnvironment(Map<String, String> environment)
    {
        requireNonNull(environment, "environment");
        Function<Variable, Optional<String>> value = variable -> Optional.ofNullable(environment.get(variable.variableName())).map(String::strip).filter(v -> !v.isEmpty());
        String url = value.apply(Variable.DATABASE_URL).orElseThrow(() -> new IllegalArgumentException(
                "CXR_DATABASE_URL is not set: a Spark job reads the lake's database by its JDBC URL (it starts no embedded database)"));
        int jdbcPartitions = value.apply(Variable.SPARK_JDBC_PARTITIONS).map(v -> integer(Variable.SPARK_JDBC_PARTITIONS, v)).orElse(DEFAULT_JDBC_PARTITIONS);
        return new SparkSettings(
                url,
                value.apply(Variable.DATABASE_USERNAME).orElse(""),
                value.apply(Variable.DATABASE_PASSWORD),
                value.apply(Variable.S3_BUCKET).orElse(DEFAULT_BUCKET),
                value.apply(Variable.S3_REGION),
                value.apply(Variable.S3_ENDPOINT),
                value.apply(Variable.S3_ACCESS_KEY),
                value.apply(Variable.S3_SECRET_KEY),
                value.apply(Variable.S3_PATH_STYLE).map(v -> bool(Variable.S3_PATH_STYLE, v)).orElse(false),
                value.apply(Variable.WAREHOUSE_URI),
                value.apply(Variable.WAREHOUSE_DATABASE).orElse(WarehouseConfig.DEFAULT_DATABASE),
                value.apply(Variable.WAREHOUSE_TLS).map(v -> bool(Variable.WAREHOUSE_TLS, v)).orElse(false),
                value.apply(Variable.WAREHOUSE_CA_FILE),
                value.apply(Variable.DATAMART_DIR),
                value.apply(Variable.DATAMART_TRAIN_RATIO).map(v -> ratio(v)).orElse(DataMartOptions.DEFAULT_TRAIN_RATIO),
                value.apply(Variable.PIPELINE_SETTLE).map(SparkSettings::duration).orElse(Watermarks.DEFAULT_SETTLE_DELAY),
                jdbcPartitions,
                value.apply(Variable.SPARK_JDBC_CONNECTIONS).map(v -> integer(Variable.SPARK_JDBC_CONNECTIONS, v)).orElse(jdbcPartitions),
                value.apply(Variable.SPARK_PARTITIONS).map(v -> integer(Variable.SPARK_PARTITIONS, v)).orElse(0));
    }

    public SqlDialect dialect()
    {
        return SqlDialect.fromJdbcUrl(databaseUrl);
    }

    /** For the driver's own connections (watermarks, run history, plans): a few are enough. */
    public DatabaseConfig databaseConfig()
    {
        return new DatabaseConfig(databaseUrl, databaseUsername, databasePassword, 2);
    }

    /** The bucket of the images and of the backup, as the application's lake configuration makes it. */
    public ObjectStoreConfig objectStoreConfig()
    {
        String region = s3Region.orElse(DEFAULT_REGION);
        if (s3Endpoint.isEmpty()) {
            return ObjectStoreConfig.aws(s3Bucket, region);
        }
        Optional<ObjectStoreConfig.StaticCredentials> credentials = s3AccessKey.map(key -> new ObjectStoreConfig.StaticCredentials(key, s3SecretKey.orElseThrow()));
        return new ObjectStoreConfig(s3Bucket, region, Optional.of(URI.create(s3Endpoint.get())), s3PathStyle, credentials);
    }

    /** What executors connect to, serializable. */
    public Stores stores()
    {
        return new Stores(databaseUrl, databaseUsername, databasePassword.orElse(null), objectStoreConfig(), warehouseUri.isPresent() ? warehouseConfig() : null);
    }

    public WarehouseConfig warehouseConfig()
    {
        String uri = warehouseUri.orElseThrow(() -> new IllegalArgumentException(
                "CXR_WAREHOUSE_URI is not set: the Spark warehouse job writes to a MongoDB or DocumentDB it names (it starts no embedded warehouse)"));
        return new WarehouseConfig(uri, warehouseDatabase, warehouseTls, warehouseCaFile.map(Path::of), false);
    }

    public Path dataMartDirectory()
    {
        return Path.of(dataMartDir.orElseThrow(() -> new IllegalArgumentException(
                "CXR_DATAMART_DIR is not set: the Spark data mart job writes to the folder it names (on a cluster, one every executor mounts)")));
    }

    /** The backup's place in the bucket: the application's default, the one place both engines look. */
    public String backupPrefix()
    {
        return BackupOptions.DEFAULT_PREFIX;
    }

    /** The backup's folder as Hadoop's S3A reads it. */
    public String backupLocation()
    {
        return "s3a://" + s3Bucket + "/" + backupPrefix();
    }

    /** S3A reaching the same bucket as the lake's client: endpoint, addressing and keys, else the AWS default chain. */
    public Map<String, String> s3aConfiguration()
    {
        Map<String, String> conf = new java.util.LinkedHashMap<>();
        conf.put("fs.s3a.endpoint.region", s3Region.orElse(DEFAULT_REGION));
        s3Endpoint.ifPresent(endpoint -> {
            conf.put("fs.s3a.endpoint", endpoint);
            conf.put("fs.s3a.connection.ssl.enabled", Boolean.toString(endpoint.toLowerCase(Locale.ROOT).startsWith("https:")));
        });
        conf.put("fs.s3a.path.style.access", Boolean.toString(s3PathStyle));
        if (s3AccessKey.isPresent()) {
            conf.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
            conf.put("fs.s3a.access.key", s3AccessKey.get());
            conf.put("fs.s3a.secret.key", s3SecretKey.orElseThrow());
        }
        return conf;
    }

    public SparkSettings withDataMartDirectory(Path directory)
    {
        return new SparkSettings(databaseUrl, databaseUsername, databasePassword, s3Bucket, s3Region, s3Endpoint, s3AccessKey, s3SecretKey, s3PathStyle,
                warehouseUri, warehouseDatabase, warehouseTls, warehouseCaFile, Optional.of(directory.toString()), trainRatio, settle, jdbcPartitions,
                jdbcConnections, partitions);
    }

    public SparkSettings withSettle(Duration settle)
    {
        return new SparkSettings(databaseUrl, databaseUsername, databasePassword, s3Bucket, s3Region, s3Endpoint, s3AccessKey, s3SecretKey, s3PathStyle,
                warehouseUri, warehouseDatabase, warehouseTls, warehouseCaFile, dataMartDir, trainRatio, settle, jdbcPartitions, jdbcConnections, partitions);
    }

    public SparkSettings withJdbc(int jdbcPartitions, int jdbcConnections)
    {
        return new SparkSettings(databaseUrl, databaseUsername, databasePassword, s3Bucket, s3Region, s3Endpoint, s3AccessKey, s3SecretKey, s3PathStyle,
                warehouseUri, warehouseDatabase, warehouseTls, warehouseCaFile, dataMartDir, trainRatio, settle, jdbcPartitions, jdbcConnections, partitions);
    }

    @Override
    public String toString()
    {
        return "SparkSettings[databaseUrl=" + databaseUrl + ", databaseUsername=" + databaseUsername + ", databasePassword=" + (databasePassword.isPresent() ? "***" : "none")
                + ", s3Bucket=" + s3Bucket + ", s3Region=" + s3Region + ", s3Endpoint=" + s3Endpoint + ", s3AccessKey=" + s3AccessKey
                + ", s3SecretKey=" + (s3SecretKey.isPresent() ? "***" : "none") + ", s3PathStyle=" + s3PathStyle + ", warehouseDatabase=" + warehouseDatabase
                + ", warehouseTls=" + warehouseTls + ", dataMartDir=" + dataMartDir + ", trainRatio=" + trainRatio + ", settle=" + settle
                + ", jdbcPartitions=" + jdbcPartitions + ", jdbcConnections=" + jdbcConnections + ", partitions=" + partitions + "]";
    }

    private static int integer(Variable variable, String value)
    {
        try {
            return Integer.parseInt(value);
        }
        catch (NumberFormatException e) {
            throw new IllegalArgumentException(variable.variableName() + " is not a whole number: " + value);
        }
    }

    private static boolean bool(Variable variable, String value)
    {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(variable.variableName() + " is neither true nor false: " + value);
        };
    }

    private static double ratio(String value)
    {
        try {
            return new DataMartOptions(Double.parseDouble(value), DataMartOptions.DEFAULT_PAGE_SIZE, 1).trainRatio();
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("CXR_DATAMART_TRAIN_RATIO: " + e.getMessage());
        }
    }

    /** As the application reads its durations: {@code 60s}, {@code 5m}, {@code 2h}, {@code 1d}, plain milliseconds, or ISO-8601. */
    static Duration duration(String value)
    {
        String text = value.strip().toLowerCase(Locale.ROOT);
        try {
            if (text.matches("[0-9]+")) {
                return Duration.ofMillis(Long.parseLong(text));
            }
            if (text.matches("[0-9]+(ms|s|m|h|d)")) {
                long amount = Long.parseLong(text.replaceAll("[a-z]+$", ""));
                return switch (text.replaceAll("^[0-9]+", "")) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
            }
            return Duration.parse(value.strip());
        }
        catch (RuntimeException e) {
            throw new IllegalArgumentException("CXR_PIPELINE_SETTLE is not a duration (60s, 5m, PT1M): " + value);
        }
    }
}
