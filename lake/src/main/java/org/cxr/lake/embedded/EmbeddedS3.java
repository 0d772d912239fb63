package org.cxr.lake.embedded;

import org.cxr.lake.store.ObjectStoreConfig;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import static java.util.Objects.requireNonNull;

/**
 * An S3-compatible server on loopback for local runs and tests: S3Proxy over its {@code filesystem} back end, so a
 * bucket is a folder and objects survive restarts. It checks AWS signatures with fixed local keys.
 */
public final class EmbeddedS3
        implements AutoCloseable
{
    public static final String ACCESS_KEY = "cxr-lake";
    public static final String SECRET_KEY = "cxr-lake-local-secret";

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

    private final S3Proxy proxy;
    private final BlobStore blobStore;
    private final URI endpoint;

    private EmbeddedS3(S3Proxy proxy, BlobStore blobStore, URI endpoint)
    {
        this.proxy = proxy;
        this.blobStore = blobStore;
        this.endpoint = endpoint;
    }

    /** Starts on a free port. */
    public static EmbeddedS3 start(Path directory)
    {
        return start(directory, 0);
    }

    public static EmbeddedS3 start(Path directory, int port)
    {
        requireNonNull(directory, "directory");
        try {
            Files.createDirectories(directory);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + directory, e);
        }
        Properties properties = new Properties();
        // jclouds refuses every request (S3Proxy answers 400) when its folder's path has "." or ".." in it, as the
        // default "./data" gives.
        properties.setProperty("jclouds.filesystem.basedir", directory.toAbsolutePath().normalize().toString());
        BlobStore blobStore = BlobStores.create("filesystem", properties);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                // The AWS SDK sends headers (checksums, SDK metadata) that S3Proxy does not know; they carry no meaning here.
                .ignoreUnknownHeaders(true)
                .build();
        try {
            proxy.start();
            long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("S3Proxy did not start within " + STARTUP_TIMEOUT + ", state " + proxy.getState());
                }
                Thread.sleep(10);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopQuietly(proxy, blobStore);
            throw new IllegalStateException("Interrupted while starting S3Proxy", e);
        }
        catch (Exception e) {
            stopQuietly(proxy, blobStore);
            throw new IllegalStateException("Cannot start S3Proxy on port " + port + " over " + directory, e);
        }
        return new EmbeddedS3(proxy, blobStore, URI.create("http://127.0.0.1:" + proxy.getPort()));
    }

    public URI endpoint()
    {
        return endpoint;
    }

    public int port()
    {
        return proxy.getPort();
    }

    /** Path-style addressing with the local keys; the bucket still has to be created. */
    public ObjectStoreConfig config(String bucket)
    {
        return ObjectStoreConfig.local(bucket, endpoint, ACCESS_KEY, SECRET_KEY);
    }

    @Override
    public void close()
    {
        try {
            proxy.stop();
        }
        catch (Exception e) {
            throw new IllegalStateException("Cannot stop S3Proxy", e);
        }
        finally {
            blobStore.close();
        }
    }

    private static void stopQuietly(S3Proxy proxy, BlobStore blobStore)
    {
        try {
            proxy.stop();
        }
        catch (Exception ignored) {
            // Already failing; the first error is the one to report.
        }
        blobStore.close();
    }
}
