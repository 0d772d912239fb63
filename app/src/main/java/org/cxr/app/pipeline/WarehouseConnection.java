package org.cxr.app.pipeline;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import org.cxr.app.server.CxrProperties;
import org.cxr.warehouse.EmbeddedWarehouse;
import org.cxr.warehouse.WarehouseClients;
import org.cxr.warehouse.WarehouseConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The document warehouse: Amazon DocumentDB or MongoDB by URI (TLS with a CA bundle for DocumentDB), or an embedded
 * MongoDB-wire server under the data directory when no URI is configured.
 */
public final class WarehouseConnection
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(WarehouseConnection.class);

    private final Optional<EmbeddedWarehouse> embedded;
    private final WarehouseConfig config;
    private final MongoClient client;
    private final MongoDatabase database;

    private WarehouseConnection(Optional<EmbeddedWarehouse> embedded, WarehouseConfig config, MongoClient client, MongoDatabase database)
    {
        this.embedded = embedded;
        this.config = config;
        this.client = client;
        this.database = database;
    }

    public static WarehouseConnection open(CxrProperties properties)
    {
        CxrProperties.Warehouse settings = properties.pipelines().warehouse();
        Optional<EmbeddedWarehouse> embedded = Optional.empty();
        WarehouseConfig config;
        if (settings.embedded()) {
            EmbeddedWarehouse server = EmbeddedWarehouse.start(properties.dataDir().resolve("warehouse"), settings.embeddedPort());
            log.info("Embedded warehouse at {} (data in {})", server.connectionString(), server.folder());
            embedded = Optional.of(server);
            config = server.config().withDatabase(settings.database());
        }
        else {
            config = new WarehouseConfig(settings.uri(), settings.database(), settings.tls(),
                    Optional.ofNullable(settings.caFile()).filter(f -> !f.isBlank()).map(Path::of), false);
        }
        MongoClient client = WarehouseClients.create(config);
        return new WarehouseConnection(embedded, config, client, WarehouseClients.database(client, config));
    }

    public MongoDatabase database()
    {
        return database;
    }

    /** How this warehouse is reached (the embedded server's address when it is embedded), for a job of another process. */
    public WarehouseConfig config()
    {
        return config;
    }

    @Override
    public void close()
    {
        client.close();
        embedded.ifPresent(EmbeddedWarehouse::close);
    }
}
