package org.cxr.app.lake;

import org.cxr.app.server.CxrProperties;
import org.cxr.lake.embedded.EmbeddedPostgres;
import org.cxr.lake.embedded.EmbeddedS3;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * The embedded PostgreSQL and S3 servers, each started only when no external one is configured, with their data
 * under the data directory so it survives restarts.
 */
final class EmbeddedServers
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(EmbeddedServers.class);

    private final Optional<EmbeddedPostgres> postgres;
    private final Optional<EmbeddedS3> s3;

    private EmbeddedServers(Optional<EmbeddedPostgres> postgres, Optional<EmbeddedS3> s3)
    {
        this.postgres = postgres;
        this.s3 = s3;
    }

    static EmbeddedServers start(CxrProperties properties)
    {
        Optional<EmbeddedPostgres> postgres = Optional.empty();
        try {
            if (properties.database().embedded()) {
                EmbeddedPostgres server = startPostgres(properties);
                log.info("Embedded PostgreSQL at {} (data in {})", server.jdbcUrl(), server.dataDirectory());
                postgres = Optional.of(server);
            }
            Optional<EmbeddedS3> s3 = Optional.empty();
            if (properties.s3().embedded()) {
                EmbeddedS3 server = EmbeddedS3.start(properties.dataDir().resolve("s3"), properties.embedded().s3Port());
                log.info("Embedded S3 at {} (objects in {}, access key {})", server.endpoint(), properties.dataDir().resolve("s3"), EmbeddedS3.ACCESS_KEY);
                s3 = Optional.of(server);
            }
            return new EmbeddedServers(postgres, s3);
        }
        catch (RuntimeException e) {
            postgres.ifPresent(EmbeddedPostgres::close);
            throw e;
        }
    }

    private static EmbeddedPostgres startPostgres(CxrProperties properties)
    {
        try {
            return EmbeddedPostgres.start(properties.dataDir().resolve("postgres"), properties.embedded().postgresPort());
        }
        catch (IllegalStateException e) {
            if (String.valueOf(e.getMessage()).contains("could not lock")) {
                throw new IllegalStateException("The data directory " + properties.dataDir().toAbsolutePath()
                        + " is in use by another cxr process (a running server?). Stop it first, or ask the running server over HTTP.", e);
            }
            throw e;
        }
    }

    Optional<EmbeddedPostgres> postgres()
    {
        return postgres;
    }

    Optional<EmbeddedS3> s3()
    {
        return s3;
    }

    @Override
    public void close()
    {
        s3.ifPresent(EmbeddedS3::close);
        postgres.ifPresent(EmbeddedPostgres::close);
    }
}
