package org.cxr.warehouse;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;

import static java.util.Objects.requireNonNull;

/** Makes MongoDB clients for the warehouse: TLS and retryable writes as the configuration says. */
public final class WarehouseClients
{
    private static final String APPLICATION_NAME = "cxr-warehouse";

    private WarehouseClients() {}

    /** A client; the caller closes it. */
    public static MongoClient create(WarehouseConfig config)
    {
        return MongoClients.create(settings(config));
    }

    /** The warehouse database of a client made from the same configuration. */
    public static MongoDatabase database(MongoClient client, WarehouseConfig config)
    {
        return requireNonNull(client, "client").getDatabase(requireNonNull(config, "config").database());
    }

    /** The settings {@link #create} uses, for callers that add their own (listeners, pool sizes). */
    public static MongoClientSettings settings(WarehouseConfig config)
    {
        requireNonNull(config, "config");
        ConnectionString connectionString = config.parsedConnectionString();
        MongoClientSettings.Builder settings = MongoClientSettings.builder()
                .applyConnectionString(connectionString)
                .retryWrites(config.retryWrites());
        if (connectionString.getApplicationName() == null) {
            settings.applicationName(APPLICATION_NAME);
        }
        if (config.usesTls()) {
            settings.applyToSslSettings(ssl -> {
                ssl.enabled(true);
                config.caFile().ifPresent(caFile -> ssl.context(TrustBundle.sslContext(caFile)));
            });
        }
        return settings.build();
    }
}
