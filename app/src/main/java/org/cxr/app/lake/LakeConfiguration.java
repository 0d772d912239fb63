package org.cxr.app.lake;

import org.cxr.app.server.CxrProperties;
import org.cxr.app.server.Preloading;
import org.cxr.lake.Lake;
import org.cxr.lake.embedded.EmbeddedPostgres;
import org.cxr.lake.sql.Database;
import org.cxr.lake.sql.DatabaseConfig;
import org.cxr.lake.store.ObjectStore;
import org.cxr.lake.store.ObjectStoreConfig;
import org.cxr.lake.sweep.OrphanSweeper;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * The data lake the application writes to: the configured database and S3 bucket, or embedded servers under the data
 * directory when none is configured. The schema is migrated at start-up.
 */
@Configuration(proxyBeanMethods = false)
public class LakeConfiguration
{
    static final String APPLICATION_MIGRATIONS = "classpath:db/app";

    /** Whether a running process (a server) holds this configuration's embedded data directory. */
    public static boolean dataDirectoryInUse(CxrProperties properties)
    {
        return EmbeddedServers.dataDirectoryInUse(properties);
    }

    /**
     * What starts on threads of its own (the model, the warehouse) starts first, and runs while these servers start.
     * Whichever of those the context has: the pipeline commands' has no model, the sweep's neither model nor warehouse
     * (naming the beans in a {@code @DependsOn} failed those contexts for want of them).
     */
    @Bean(destroyMethod = "close")
    EmbeddedServers embeddedServers(CxrProperties properties, ObjectProvider<Preloading<?>> preloading)
    {
        preloading.orderedStream().forEach(started -> {});
        return EmbeddedServers.start(properties);
    }

    /** How the database is reached: the embedded server's address, or the configured one (what a Spark job is told too). */
    @Bean
    DatabaseConfig databaseConfig(CxrProperties properties, EmbeddedServers embedded)
    {
        return embedded.postgres().map(EmbeddedPostgres::databaseConfig).orElseGet(() -> DatabaseConfig.of(
                properties.database().url(), properties.database().username(), properties.database().password()));
    }

    @Bean(destroyMethod = "close")
    Database database(DatabaseConfig config)
    {
        Database database = Database.connect(config);
        // The application's own tables (users, tokens, the audit log) live in the lake's database, with their own migrations.
        database.migrate(List.of(APPLICATION_MIGRATIONS));
        return database;
    }

    @Bean
    DataSource dataSource(Database database)
    {
        return database.dataSource();
    }

    @Bean
    ObjectStoreConfig objectStoreConfig(CxrProperties properties, EmbeddedServers embedded)
    {
        CxrProperties.S3 s3 = properties.s3();
        return embedded.s3().map(server -> server.config(s3.bucket())).orElseGet(() -> external(s3));
    }

    @Bean(destroyMethod = "close")
    ObjectStore objectStore(ObjectStoreConfig config, EmbeddedServers embedded)
    {
        ObjectStore store = ObjectStore.create(config);
        if (embedded.s3().isPresent()) {
            // Our own server: the bucket is ours to create. A real bucket is the operator's, with its own policy.
            store.createBucketIfAbsent();
        }
        return store;
    }

    private static ObjectStoreConfig external(CxrProperties.S3 s3)
    {
        String region = s3.region() == null || s3.region().isBlank() ? "us-east-1" : s3.region();
        if (s3.endpoint() == null || s3.endpoint().isBlank()) {
            return ObjectStoreConfig.aws(s3.bucket(), region);
        }
        Optional<ObjectStoreConfig.StaticCredentials> credentials = s3.accessKey() == null || s3.accessKey().isBlank()
                ? Optional.empty()
                : Optional.of(new ObjectStoreConfig.StaticCredentials(s3.accessKey(), s3.secretKey()));
        return new ObjectStoreConfig(s3.bucket(), region, Optional.of(URI.create(s3.endpoint())), s3.pathStyle(), credentials);
    }

    @Bean
    Lake lake(Database database, ObjectStore store)
    {
        return new Lake(database, store);
    }

    @Bean
    OrphanSweeper orphanSweeper(Database database, ObjectStore store, CxrProperties properties)
    {
        return new OrphanSweeper(database, store, java.time.Clock.systemUTC(), properties.sweep().grace());
    }
}
