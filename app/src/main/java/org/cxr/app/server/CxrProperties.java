package org.cxr.app.server;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Every setting of the application, bound from {@code application.yaml} and the environment ({@code CXR_DATA_DIR},
 * {@code CXR_DATABASE_URL}, ...). The README's configuration table lists them.
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
        @DefaultValue Security security)
{
    /** The password of the {@code admin} user created on the first start (none: one is generated and printed once). */
    public record Security(String adminPassword)
    {
        @Override
        public String toString()
        {
            return "Security[adminPassword=" + (adminPassword == null || adminPassword.isEmpty() ? "none" : "***") + "]";
        }
    }

    /**
     * The stages after Stage 2. A stage's cron is a Spring cron expression, or "-" for manual runs only. Rows younger
     * than {@code settle} wait for the next run, so a transaction that commits late is never skipped.
     */
    public record Pipelines(
            @DefaultValue("3") int attempts,
            @DefaultValue("5s") Duration retryDelay,
            @DefaultValue("60s") Duration settle,
            @DefaultValue Backup backup,
            @DefaultValue Warehouse warehouse,
            @DefaultValue DataMart datamart) {}

    public record Backup(@DefaultValue("0 0 3 * * SUN") String cron) {}

    /** A MongoDB-wire warehouse (Amazon DocumentDB or MongoDB) by URI; without one, an embedded server under the data directory. */
    public record Warehouse(
            @DefaultValue("0 5 * * * *") String cron,
            String uri,
            @DefaultValue("x_ray") String database,
            @DefaultValue("false") boolean tls,
            String caFile,
            @DefaultValue("27018") int embeddedPort)
    {
        public boolean embedded()
        {
            return uri == null || uri.isBlank();
        }
    }

    /** The on-premise data mart folder (default: datamart/ under the data directory) and the train share of images. */
    public record DataMart(@DefaultValue("-") String cron, String directory, @DefaultValue("0.8") double trainRatio) {}

    /** Ports of the embedded servers, fixed so psql and the AWS CLI can reach them (0: any free port). */
    public record Embedded(@DefaultValue("5433") int postgresPort, @DefaultValue("9000") int s3Port) {}

    // Paths are bound as text: Spring's resource conversion would read "../x" or "./x" as class-path locations.
    public Path dataDir()
    {
        return Path.of(dataDirectory);
    }

    /** The model folder (none: the bundled demo model) and ONNX Runtime intra-op threads (0: automatic). */
    public record Model(String directory, @DefaultValue("0") int threads)
    {
        public java.util.Optional<Path> dir()
        {
            return directory == null || directory.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(Path.of(directory));
        }
    }

    /** Limits on one upload: bytes on the wire and pixels claimed by the image header. */
    public record Upload(@DefaultValue("33554432") long maxBytes, @DefaultValue("67108864") long maxPixels) {}

    /** An external PostgreSQL or MySQL (Amazon RDS); without a URL, an embedded PostgreSQL under the data directory. */
    public record Database(String url, String username, String password)
    {
        public boolean embedded()
        {
            return url == null || url.isBlank();
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
            return (endpoint == null || endpoint.isBlank()) && (region == null || region.isBlank());
        }
    }

    /** Objects left without metadata by a crash are deleted once older than the grace period. */
    public record Sweep(@DefaultValue("1h") Duration grace, @DefaultValue("0 17 * * * *") String cron) {}
}
