package org.cxr.lake.embedded;

import org.cxr.lake.IngestResult;
import org.cxr.lake.Lake;
import org.cxr.lake.StoredInference;
import org.cxr.lake.TestData;
import org.cxr.lake.sql.Database;
import org.cxr.lake.store.ObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedRestartTest
{
    @Test
    void theLakeKeepsItsDataWhenBothServersRestartOnTheSameFolders(@TempDir Path folder)
    {
        byte[] png = TestData.uniquePng(5000);
        IngestResult ingested;
        try (Servers servers = Servers.start(folder)) {
            servers.database.migrate();
            servers.store.createBucketIfAbsent();
            ingested = new Lake(servers.database, servers.store).ingest(TestData.upload(png, "kept.png"), TestData.inference(TestData.box(1, 0.9)));
        }

        try (Servers servers = Servers.start(folder)) {
            // Migrating a cluster that is already up to date is part of every start.
            servers.database.migrate();
            Lake lake = new Lake(servers.database, servers.store);

            StoredInference stored = lake.inference(ingested.inferenceId()).orElseThrow();
            assertThat(TestData.predicted(stored.boxes())).containsExactly(TestData.box(1, 0.9));
            assertThat(stored.image().originalFileName()).isEqualTo("kept.png");
            assertThat(lake.imageBytes(stored.image())).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(png));
        }
    }

    @Test
    void theObjectStoreWorksInAFolderNamedWithDotSegments(@TempDir Path folder)
    {
        // The default data directory is "./data": the S3 server's folder must not depend on how the path was spelt.
        try (EmbeddedS3 s3 = EmbeddedS3.start(folder.resolve("./data/../data/s3")); ObjectStore store = ObjectStore.create(s3.config("dotted"))) {
            store.createBucketIfAbsent();
            store.put("images/a.png", new byte[] {1, 2, 3}, "image/png");

            assertThat(store.get("images/a.png")).hasValueSatisfying(bytes -> assertThat(bytes).containsExactly(1, 2, 3));
        }
        assertThat(folder.resolve("data/s3/dotted")).isDirectory();
    }

    @Test
    void postgresStartsOnAFixedPort(@TempDir Path folder)
            throws Exception
    {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        try (EmbeddedPostgres postgres = EmbeddedPostgres.start(folder, port)) {
            assertThat(postgres.port()).isEqualTo(port);
            assertThat(postgres.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:" + port + "/postgres");
        }
    }

    private record Servers(EmbeddedPostgres postgres, EmbeddedS3 s3, Database database, ObjectStore store)
            implements AutoCloseable
    {
        static Servers start(Path folder)
        {
            EmbeddedPostgres postgres = EmbeddedPostgres.start(folder.resolve("postgres"));
            EmbeddedS3 s3 = EmbeddedS3.start(folder.resolve("s3"));
            return new Servers(postgres, s3, Database.connect(postgres.databaseConfig()), ObjectStore.create(s3.config("restart")));
        }

        @Override
        public void close()
        {
            try (EmbeddedPostgres ignoredPostgres = postgres; EmbeddedS3 ignoredS3 = s3; Database ignoredDatabase = database; ObjectStore ignoredStore = store) {
                // Closed in reverse order: store, pool, then the servers.
            }
        }
    }
}
