package org.cxr.lake.store;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import org.cxr.lake.errors.UnavailableException;

import java.io.ByteArrayInputStream;
import java.util.Optional;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * The bytes side of the lake: one bucket, addressed by key. A server that cannot be reached, or answers with a 5xx, is
 * an {@link UnavailableException}; what S3 refuses for good (access denied, no such bucket) stays the SDK's exception.
 */
public final class ObjectStore
        implements AutoCloseable
{
    public static final int MAX_KEYS_PER_PAGE = 1000;

    private final S3Client s3;
    private final String bucket;
    private final boolean ownsClient;

    /** Uses a client the caller owns and closes. */
    public ObjectStore(S3Client s3, String bucket)
    {
        this(s3, bucket, false);
    }

    private ObjectStore(S3Client s3, String bucket, boolean ownsClient)
    {
        this.s3 = requireNonNull(s3, "s3");
        this.bucket = requireNonNull(bucket, "bucket");
        this.ownsClient = ownsClient;
    }

    public static ObjectStore create(ObjectStoreConfig config)
    {
        return new ObjectStore(createClient(config), config.bucket(), true);
    }

    public static S3Client createClient(ObjectStoreConfig config)
    {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(config.region()))
                .credentialsProvider(credentials(config))
                .forcePathStyle(config.pathStyle());
        config.endpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    private static AwsCredentialsProvider credentials(ObjectStoreConfig config)
    {
        return config.credentials()
                .<AwsCredentialsProvider>map(keys -> StaticCredentialsProvider.create(AwsBasicCredentials.create(keys.accessKeyId(), keys.secretAccessKey())))
                .orElseGet(() -> DefaultCredentialsProvider.builder().build());
    }

    public String bucket()
    {
        return bucket;
    }

    /** For local servers and tests; on AWS the bucket is made by the infrastructure, with its policies. */
    public void createBucketIfAbsent()
    {
        try {
            s3.headBucket(request -> request.bucket(bucket));
        }
        catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
            s3.createBucket(request -> request.bucket(bucket));
        }
    }

    /**
     * Writes the object, replacing any object under the key; with content-addressed keys that makes it idempotent. The
     * bytes are streamed from the array as they are ({@code RequestBody.fromBytes} would copy it first).
     */
    public void put(String key, byte[] bytes, String mediaType)
    {
        requireNonNull(key, "key");
        requireNonNull(bytes, "bytes");
        requireNonNull(mediaType, "mediaType");
        call(() -> s3.putObject(
                request -> request.bucket(bucket).key(key).contentType(mediaType).contentLength((long) bytes.length),
                RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes), bytes.length, mediaType)));
    }

    public Optional<byte[]> get(String key)
    {
        requireNonNull(key, "key");
        return call(() -> {
            try {
                // A plain GetObject: multipart (ranged) downloads are not served by every S3-compatible server.
                ResponseBytes<GetObjectResponse> response = s3.getObjectAsBytes(request -> request.bucket(bucket).key(key));
                return Optional.of(response.asByteArray());
            }
            catch (NoSuchKeyException e) {
                return Optional.empty();
            }
        });
    }

    public boolean exists(String key)
    {
        requireNonNull(key, "key");
        return call(() -> {
            try {
                s3.headObject(request -> request.bucket(bucket).key(key));
                return true;
            }
            catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    return false;
                }
                throw e;
            }
        });
    }

    /** Deleting a missing key is not an error, as in S3. */
    public void delete(String key)
    {
        requireNonNull(key, "key");
        call(() -> s3.deleteObject(request -> request.bucket(bucket).key(key)));
    }

    /** One page of keys under the prefix, in key order, with their last-modified times. */
    public ObjectListing list(String prefix, Optional<String> continuationToken, int maxKeys)
    {
        requireNonNull(prefix, "prefix");
        requireNonNull(continuationToken, "continuationToken");
        if (maxKeys < 1 || maxKeys > MAX_KEYS_PER_PAGE) {
            throw new IllegalArgumentException("maxKeys must be between 1 and " + MAX_KEYS_PER_PAGE + ", got " + maxKeys);
        }
        ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).maxKeys(maxKeys);
        continuationToken.ifPresent(request::continuationToken);
        ListObjectsV2Response response = call(() -> s3.listObjectsV2(request.build()));
        return new ObjectListing(
                response.contents().stream()
                        .map(object -> new StoredObject(object.key(), object.lastModified(), object.size()))
                        .toList(),
                Boolean.TRUE.equals(response.isTruncated()) ? Optional.ofNullable(response.nextContinuationToken()) : Optional.empty());
    }

    private <T> T call(Supplier<T> request)
    {
        try {
            return request.get();
        }
        catch (SdkClientException e) {
            throw new UnavailableException("The image store is unavailable (bucket " + bucket + " cannot be reached). Try again shortly.", e);
        }
        catch (S3Exception e) {
            if (e.statusCode() >= 500) {
                throw new UnavailableException("The image store is unavailable (bucket " + bucket + " answers " + e.statusCode() + "). Try again shortly.", e);
            }
            throw e;
        }
    }

    @Override
    public void close()
    {
        if (ownsClient) {
            s3.close();
        }
    }
}
