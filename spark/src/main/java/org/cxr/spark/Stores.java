package org.cxr.spark;

import com.mongodb.client.MongoClient;
import org.cxr.lake.sql.DatabaseConfig;
import org.cxr.lake.store.ObjectStore;
import org.cxr.lake.store.ObjectStoreConfig;
import org.cxr.warehouse.WarehouseClients;
import org.cxr.warehouse.WarehouseConfig;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The database, bucket and warehouse as executors reach them: the configurations flattened into text that Spark can
 * ship with a task (records with {@link Optional} are not serializable), opened again where the task runs.
 */
final class Stores
        implements Serializable
{
    private static final long serialVersionUID = 1L;

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String bucket;
    private final String region;
    private final String endpoint;
    private final boolean pathStyle;
    private final String accessKey;
    private final String secretKey;
    private final String warehouseUri;
    private final String warehouseDatabase;
    private final boolean warehouseTls;
    private final String warehouseCaFile;

    Stores(String jdbcUrl, String user, String password, ObjectStoreConfig s3, WarehouseConfig warehouse)
    {
        this.jdbcUrl = requireNonNull(jdbcUrl, "jdbcUrl");
        this.user = requireNonNull(user, "user");
        this.password = password;
        this.bucket = s3.bucket();
        this.region = s3.region();
        this.endpoint = s3.endpoint().map(URI::toString).orElse(null);
        this.pathStyle = s3.pathStyle();
        this.accessKey = s3.credentials().map(ObjectStoreConfig.StaticCredentials::accessKeyId).orElse(null);
        this.secretKey = s3.credentials().map(ObjectStoreConfig.StaticCredentials::secretAccessKey).orElse(null);
        this.warehouseUri = warehouse == null ? null : warehouse.connectionString();
        this.warehouseDatabase = warehouse == null ? null : warehouse.database();
        this.warehouseTls = warehouse != null && warehouse.tls();
        this.warehouseCaFile = warehouse == null ? null : warehouse.caFile().map(Path::toString).orElse(null);
    }

    DatabaseConfig database()
    {
        return new DatabaseConfig(jdbcUrl, user, Optional.ofNullable(password), 2);
    }

    ObjectStoreConfig objectStoreConfig()
    {
        Optional<ObjectStoreConfig.StaticCredentials> credentials = accessKey == null ? Optional.empty() : Optional.of(new ObjectStoreConfig.StaticCredentials(accessKey, secretKey));
        return new ObjectStoreConfig(bucket, region, Optional.ofNullable(endpoint).map(URI::create), pathStyle, credentials);
    }

    ObjectStore objectStore()
    {
        return ObjectStore.create(objectStoreConfig());
    }

    S3Client s3Client()
    {
        return ObjectStore.createClient(objectStoreConfig());
    }

    WarehouseConfig warehouse()
    {
        if (warehouseUri == null) {
            throw new IllegalStateException("no warehouse is configured (CXR_WAREHOUSE_URI)");
        }
        return new WarehouseConfig(warehouseUri, warehouseDatabase, warehouseTls, Optional.ofNullable(warehouseCaFile).map(Path::of), false);
    }

    MongoClient warehouseClient()
    {
        return WarehouseClients.create(warehouse());
    }
}
