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
        @DefaultValue Embedded embedded)
{
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
