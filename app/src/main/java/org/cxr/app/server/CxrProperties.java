package org.cxr.app.server;

import org.cxr.datamart.DataMartOptions;
import org.cxr.detector.DetectorOptions;
import org.cxr.lake.pipeline.Watermarks;
import org.cxr.lake.sweep.OrphanSweeper;
import org.cxr.warehouse.WarehouseConfig;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Every setting of the platform and its default, stated here once: set by the environment variables the README lists
 * ({@link EnvironmentVariables}), by Spring Boot's names for them ({@code cxr.data-directory}, {@code
 * CXR_DATA_DIRECTORY}) or on the command line. A default that a module owns (the settle delay, the sweep's grace
 * period, the pixel limit...) is that module's constant, taken when the setting is absent.
 */
@ConfigurationProperties("cxr")
public record CxrProperties(
        @DefaultValue("./data") String dataDirectory,
        @DefaultValue Model model,
        @DefaultValue Upload upload,
        @DefaultValue Database database,
        @DefaultValue S3 s3,
        @DefaultValue Sweep sweep,
        @DefaultValue Embedded embedded,
        @DefaultValue Pipelines pipelines,
        @DefaultValue Security security,
        @DefaultValue Cli cli,
        @DefaultValue Review review,
        @DefaultValue Spark spark)
{
    // Paths are bound as text: Spring's resource conversion would read "../x" or "./x" as class-path locations.
    public Path dataDir()
    {
        return Path.of(dataDirectory);
    }

    /** The password of the {@code admin} user created on the first start (none: one is generated and printed once). */
    public record Security(String adminPassword)
    {
        @Override
        public String toString()
        {
            return "Security[adminPassword=" + (blank(adminPassword) ? "none" : "***") + "]";
        }
    }

    /** What the command line shows a running server: a personal API token (none: the one the server left in the data directory). */
    public record Cli(String apiToken)
    {
        public Optional<String> token()
        {
            return blank(apiToken) ? Optional.empty() : Optional.of(apiToken.strip());
        }

        @Override
        public String toString()
        {
            return "Cli[apiToken=" + (blank(apiToken) ? "none" : "***") + "]";
        }
    }

    /**
     * The stages after Stage 2. A stage's cron is a Spring cron expression, or "-" for manual runs only. Rows younger
     * than {@code settle} wait for the next run, so a transaction that commits late is never skipped.
     */
    public record Pipelines(
            @DefaultValue("3") int attempts,
            @DefaultValue("5s") Duration retryDelay,
            Duration settle,
            @DefaultValue Backup backup,
            @DefaultValue Warehouse warehouse,
            @DefaultValue DataMart datamart)
    {
        public Pipelines
        {
            settle = settle == null ? Watermarks.DEFAULT_SETTLE_DELAY : settle;
        }
    }

    public record Backup(@DefaultValue("0 0 3 * * SUN") String cron) {}

    /** A MongoDB-wire warehouse (Amazon DocumentDB or MongoDB) by URI; without one, an embedded server under the data directory. */
    public record Warehouse(
            @DefaultValue("0 5 * * * *") String cron,
            String uri,
            String database,
            @DefaultValue("false") boolean tls,
            String caFile,
            @DefaultValue("27018") int embeddedPort)
    {
        public Warehouse
        {
            database = blank(database) ? WarehouseConfig.DEFAULT_DATABASE : database;
        }

        public boolean embedded()
        {
            return blank(uri);
        }
    }

    /** The on-premise data mart folder (default: datamart/ under the data directory) and the train share of images. */
    public record DataMart(@DefaultValue("-") String cron, String directory, Double trainRatio)
    {
        public DataMart
        {
            trainRatio = trainRatio == null ? DataMartOptions.DEFAULT_TRAIN_RATIO : trainRatio;
        }
    }

    /** Ports of the embedded servers, fixed so psql and the AWS CLI can reach them (0: any free port). */
    public record Embedded(@DefaultValue("5433") int postgresPort, @DefaultValue("9000") int s3Port) {}

    /**
     * The model folder (none: the bundled demo model), ONNX Runtime intra-op threads (0: automatic), and how concurrent
     * requests share runs: a request waits at most {@code batchWait} for others, a run takes at most {@code batchSize}
     * images (1: no batching).
     */
    public record Model(String directory, @DefaultValue("0") int threads, @DefaultValue("2ms") Duration batchWait, @DefaultValue("8") int batchSize)
    {
        public Optional<Path> dir()
        {
            return blank(directory) ? Optional.empty() : Optional.of(Path.of(directory));
        }
    }

    /** Limits on one upload: bytes on the wire and pixels claimed by the image header. */
    public record Upload(@DefaultValue("33554432") long maxBytes, Long maxPixels)
    {
        public Upload
        {
            maxPixels = maxPixels == null ? DetectorOptions.DEFAULT_MAX_PIXELS : maxPixels;
        }
    }

    /** An external PostgreSQL or MySQL (Amazon RDS); without a URL, an embedded PostgreSQL under the data directory. */
    public record Database(String url, String username, String password)
    {
        public boolean embedded()
        {
            return blank(url);
        }

        @Override
        public String toString()
        {
            return "Database[url=" + url + ", username=" + username + ", password=" + (blank(password) ? "none" : "***") + "]";
        }
    }

    /**
     * An S3 bucket. Without an endpoint or a region, an embedded S3 server under the data directory; with a region
     * and no endpoint, Amazon S3 with the AWS default credential chain; with an endpoint, any S3-compatible server.
     */
    public record S3(String endpoint, String region, @DefaultValue("cxr-images") String bucket, String accessKey, String secretKey,
            @DefaultValue("false") boolean pathStyle)
    {
        public boolean embedded()
        {
            return blank(endpoint) && blank(region);
        }

        @Override
        public String toString()
        {
            return "S3[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + ", accessKey=" + accessKey + ", secretKey="
                    + (blank(secretKey) ? "none" : "***") + ", pathStyle=" + pathStyle + "]";
        }
    }

    /** Objects left without metadata by a crash are deleted once older than the grace period. */
    public record Sweep(Duration grace, @DefaultValue("0 17 * * * *") String cron)
    {
        public Sweep
        {
            grace = grace == null ? OrphanSweeper.DEFAULT_GRACE_PERIOD : grace;
        }
    }

    /**
     * The Spark engine of the pipeline commands ({@code --engine spark}): the job's jar (none: {@code
     * spark/target/cxr-spark.jar} of the checkout this application was built in).
     */
    public record Spark(String jar)
    {
        public Optional<Path> jarFile()
        {
            return blank(jar) ? Optional.empty() : Optional.of(Path.of(jar));
        }
    }

    /** The review worklist: a study waiting longer than {@code maxWait} goes before any by score, oldest first. */
    public record Review(@DefaultValue("24h") Duration maxWait) {}

    private static boolean blank(String value)
    {
        return value == null || value.isBlank();
    }
}
