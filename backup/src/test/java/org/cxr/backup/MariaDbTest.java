package org.cxr.backup;

import org.cxr.lake.sql.SqlDialect;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;


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
        RestoreRoundTrip.assertBackedUpPurgedAndRestoredRowsAreTheOriginalsAndNewRowsGetFreshIds(servers, lake);
    }

    @Test
    void anImagePurgedAndUploadedAgainIsRestoredAsOneRowThatAllItsInferencesShare()
    {
        RestoreRoundTrip.assertImagePurgedAndUploadedAgainIsRestoredAsOneRow(servers, lake);
    }
}
