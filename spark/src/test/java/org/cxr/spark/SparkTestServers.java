package org.cxr.spark;

import org.apache.spark.sql.SparkSession;
import org.cxr.lake.Lake;
import org.cxr.lake.MutableClock;
import org.cxr.lake.embedded.EmbeddedPostgres;
import org.cxr.lake.embedded.EmbeddedS3;
import org.cxr.lake.sql.Database;
import org.cxr.lake.sql.DatabaseConfig;
import org.cxr.lake.store.ObjectStore;
import org.cxr.warehouse.EmbeddedWarehouse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The servers every Spark test shares, started once per test JVM: the embedded PostgreSQL (a database per lake), the
 * embedded S3 server (buckets per lake, read by the lake's client and by S3A in path style), the embedded warehouse
 * (a database per lake) and one Spark session in {@code local[2]}, the first of which costs seconds.
 */
final class SparkTestServers
{
    /** When every lake's uploads happened: long before any settle delay, over several UTC dates. */
    static final Instant LAKE_START = Instant.parse("2026-01-01T21:00:00Z");

    private static SparkTestServers servers;

    private final Path root;
    private final EmbeddedPostgres postgres;
    private final EmbeddedS3 s3;
    private final EmbeddedWarehouse warehouse;
    private final SparkSession spark;
    private int lakes;

    private SparkTestServers(Path root)
    {
        this.root = root;
        this.postgres = EmbeddedPostgres.start(root.resolve("postgres"));
        this.s3 = EmbeddedS3.start(root.resolve("s3"));
        this.warehouse = EmbeddedWarehouse.start(root.resolve("warehouse"));
        SparkSession.Builder builder = SparkSession.builder().master("local[2]").appName("cxr-spark-tests")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.session.timeZone", "UTC")
                // A few hundred rows: Spark's 200 shuffle partitions would be 200 tasks of nothing.
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.driver.host", "127.0.0.1");
        for (Map.Entry<String, String> entry : settings("jdbc:postgresql://localhost/unused", "unused", "unused").s3aConfiguration().entrySet()) {
            builder.config("spark.hadoop." + entry.getKey(), entry.getValue());
        }
        this.spark = builder.getOrCreate();
    }

    static synchronized SparkTestServers get()
    {
        if (servers == null) {
            Path root;
            try {
                root = Files.createTempDirectory("cxr-spark-test-");
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            servers = new SparkTestServers(root);
            Runtime.getRuntime().addShutdownHook(new Thread(servers::close, "cxr-spark-test-servers"));
        }
        return servers;
    }

    SparkSession spark()
    {
        return spark;
    }

    EmbeddedWarehouse warehouse()
    {
        return warehouse;
    }

    Path root()
    {
        return root;
    }

    /**
     * A new, empty lake: its own database (schema migrated), its backup bucket and warehouse database, and a clock
     * at {@link #LAKE_START}; its images go to {@code imagesBucket}, which twin lakes share so their rows are equal.
     */
    synchronized TestLake newLake(String imagesBucket)
    {
        String name = "lake" + (++lakes);
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), EmbeddedPostgres.USER, null);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        catch (SQLException e) {
            throw new IllegalStateException("Cannot create the test database " + name, e);
        }
        String url = "jdbc:postgresql://localhost:" + postgres.port() + "/" + name;
        Database database = Database.connect(DatabaseConfig.of(url, EmbeddedPostgres.USER, null));
        database.migrate();
        ObjectStore images = ObjectStore.create(s3.config(imagesBucket));
        images.createBucketIfAbsent();
        String backupBucket = "backups-" + name;
        ObjectStore backups = ObjectStore.create(s3.config(backupBucket));
        backups.createBucketIfAbsent();
        MutableClock clock = new MutableClock(LAKE_START);
        SparkSettings settings = settings(url, backupBucket, "warehouse_" + name).withDataMartDirectory(root.resolve("datamart-" + name));
        return new TestLake(name, database, new Lake(database, images, clock), clock, images, backups, settings);
    }

    /** What a job of this lake is given, as the environment would give it. */
    private SparkSettings settings(String url, String bucket, String warehouseDatabase)
    {
        return new SparkSettings(url, EmbeddedPostgres.USER, Optional.empty(), bucket, Optional.empty(), Optional.of(s3.endpoint().toString()),
                Optional.of(EmbeddedS3.ACCESS_KEY), Optional.of(EmbeddedS3.SECRET_KEY), true, Optional.of(warehouse.connectionString()), warehouseDatabase,
                false, Optional.empty(), Optional.empty(), 0.8, Duration.ofSeconds(60), 3, 2, 3);
    }

    private void close()
    {
        try {
            spark.stop();
            warehouse.close();
            s3.close();
            postgres.close();
        }
        finally {
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
            catch (IOException ignored) {
                // A temporary folder left behind harms nothing.
            }
        }
    }
}
