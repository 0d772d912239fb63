package org.cxr.lake;

import org.cxr.lake.sql.DatabaseConfig;
import org.cxr.lake.sql.SqlDialect;
import org.cxr.lake.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class PostgresLakeTest
        extends LakeContractTest
{
    private EmbeddedPostgres postgres;

    @Override
    protected DatabaseConfig startDatabase(Path folder)
    {
        postgres = EmbeddedPostgres.start(folder);
        return postgres.databaseConfig();
    }

    @Override
    protected void stopDatabase()
    {
        postgres.close();
    }

    @Override
    protected String storedUtcText(long inferenceId)
    {
        return sql.sql("SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') FROM inference WHERE id = ?")
                .param(inferenceId)
                .query(String.class)
                .single();
    }

    @Test
    void runsPostgreSql18()
    {
        assertThat(database.dialect()).isEqualTo(SqlDialect.POSTGRESQL);
        assertThat(sql.sql("SHOW server_version_num").query(Integer.class).single()).isBetween(180000, 189999);
    }
}
