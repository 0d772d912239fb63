package org.cxr.datamart;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import org.bson.BsonDocument;
import org.bson.Document;
import org.cxr.lake.embedded.EmbeddedS3;
import org.cxr.lake.store.ObjectStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Real servers for a test: mongo-java-server (the warehouse) and the embedded S3 server (the lake's bytes), with a
 * client for each that records what the exporter asks of them.
 */
final class TestLake
        implements AutoCloseable
{
    static final String BUCKET = "cxr-images";

    private final Path s3Directory;
    private final MongoServer mongoServer;
    private final MongoClient mongo;
    private final List<BsonDocument> mongoCommands = new CopyOnWriteArrayList<>();
    private final AtomicInteger gets = new AtomicInteger();
    private volatile IntConsumer onGet = count -> {};
    private EmbeddedS3 s3Server;
    private S3Client s3;
    private final AtomicBoolean s3Running = new AtomicBoolean();

    private TestLake(Path s3Directory)
    {
        this.s3Directory = s3Directory;
        this.mongoServer = new MongoServer(H2Backend.inMemory());
        CommandListener listener = new CommandListener()
        {
            @Override
            public void commandStarted(CommandStartedEvent event)
            {
                mongoCommands.add(event.getCommand().clone());
            }
        };
        this.mongo = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(mongoServer.bindAndGetConnectionString()))
                .addCommandListener(listener)
                .build());
        startS3();
    }

    static TestLake start(Path s3Directory)
    {
        return new TestLake(s3Directory);
    }

    MongoCollection<Document> images()
    {
        return mongo.getDatabase(DataMartExport.DEFAULT_DATABASE).getCollection(DataMartExport.DEFAULT_COLLECTION);
    }

    S3Client s3()
    {
        return s3;
    }

    ObjectStore store()
    {
        return new ObjectStore(s3, BUCKET);
    }

    /** GetObject requests sent so far, counted by the S3 client itself. */
    int gets()
    {
        return gets.get();
    }

    /** Called with the running count before each GetObject request is sent. */
    void onGet(IntConsumer onGet)
    {
        this.onGet = onGet;
    }

    /** The warehouse commands sent so far, as the driver sent them. */
    List<BsonDocument> mongoCommands()
    {
        return List.copyOf(mongoCommands);
    }

    void clearMongoCommands()
    {
        mongoCommands.clear();
    }

    /** Stops the S3 server as a crash or an outage would; requests fail until {@link #restartS3()}. */
    void stopS3()
    {
        if (s3Running.compareAndSet(true, false)) {
            s3Server.close();
        }
    }

    /** Starts the S3 server again over the same objects, on a new port, with a new client. */
    void restartS3()
    {
        stopS3();
        s3.close();
        startS3();
    }

    private void startS3()
    {
        s3Server = EmbeddedS3.start(s3Directory);
        s3Running.set(true);
        ExecutionInterceptor countGets = new ExecutionInterceptor()
        {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes executionAttributes)
            {
                if (context.request() instanceof GetObjectRequest) {
                    onGet.accept(gets.incrementAndGet());
                }
            }
        };
        s3 = S3Client.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(s3Server.endpoint())
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(EmbeddedS3.ACCESS_KEY, EmbeddedS3.SECRET_KEY)))
                .overrideConfiguration(configuration -> configuration.addExecutionInterceptor(countGets))
                .build();
        new ObjectStore(s3, BUCKET).createBucketIfAbsent();
    }

    @Override
    public void close()
    {
        try {
            s3.close();
            stopS3();
        }
        finally {
            mongo.close();
            mongoServer.shutdownNow();
        }
    }
}
