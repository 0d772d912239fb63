package org.cxr.backup;

import org.cxr.lake.sql.Database;
import org.cxr.lake.sql.SqlDialect;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Backup, purge and restore on MySQL's family (MariaDB), whose timestamps, ids and DDL differ from PostgreSQL's. */
class MariaDbTest
{
    @RegisterExtension
    static final TestServers servers = TestServers.mariaDb();

    private final TestLake lake = servers.newLake();

    @BeforeEach
    void checkFamily()
    {
        assertThat(lake.database.dialect()).isEqualTo(SqlDialect.MYSQL);
    }

    @Test
    void backsUpPurgesAndRestoresEveryColumnAndIdAndNewRowsGetFreshIds()
    {
        Map<String, List<Map<String, Object>>> original = RestoreRoundTrip.fillBackUpAndPurge(lake);

        try (Database target = servers.newDatabase()) {
            TestLake restored = new TestLake(target, lake.store);
            RestoreResult result = new Restore(target, lake.store, TestLake.OPTIONS, restored.clock).run();

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
