package org.cxr.backup;

import org.cxr.lake.db.Database;
import org.cxr.lake.db.SqlDialect;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Backup, purge and restore on MySQL's family (MariaDB), whose timestamps, ids and DDL differ from PostgreSQL's. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MariaDbTest
{
    private TestServers servers;
    private TestLake lake;

    @BeforeAll
    void startServers(@TempDir Path folder)
            throws Exception
    {
        servers = TestServers.mariaDb(folder);
    }

    @AfterAll
    void stopServers()
            throws Exception
    {
        servers.close();
    }

    @BeforeEach
    void newLake()
    {
        lake = servers.newLake();
        assertThat(lake.database.dialect()).isEqualTo(SqlDialect.MYSQL);
    }

    @AfterEach
    void closeLake()
    {
        lake.close();
    }

    @Test
    void backsUpPurgesAndRestoresEveryColumnAndIdAndNewRowsGetFreshIds()
    {
        Map<String, List<Map<String, Object>>> original = RestoreRoundTrip.fillBackUpAndPurge(lake);

        try (Database target = servers.newDatabase()) {
            TestLake restored = new TestLake(target, lake.store);
            RestoreResult result = new Restore(target, lake.store, TestLake.CONFIG, restored.clock).run();

            RestoreRoundTrip.assertRestored(lake, restored, result);
            assertThat(restored.rows("image")).isEqualTo(original.get("image"));
            assertThat(restored.rows("inference")).isEqualTo(original.get("inference"));
            assertThat(restored.rows("predicted_box")).isEqualTo(original.get("predicted_box"));
            RestoreRoundTrip.assertNewRowsGetFreshIdsAndAreBackedUpNext(restored, result);
        }
    }

    @Test
    void anImagePurgedAndUploadedAgainIsRestoredAsOneRowThatAllItsInferencesShare()
    {
        RestoreRoundTrip.assertImagePurgedAndUploadedAgainIsRestoredAsOneRow(servers, lake);
    }
}
