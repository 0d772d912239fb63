package org.cxr.warehouse;

import org.cxr.lake.sql.DatabaseConfig;
import org.cxr.lake.embedded.EmbeddedPostgres;

import java.nio.file.Path;

class PostgresWarehouseTest
        extends WarehouseContractTest
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
}
