package org.cxr.lake.store;

import java.net.URI;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Where the image bytes live. On AWS leave the endpoint empty and the credentials to the default chain (environment,
 * profile, instance or task role); a local S3-compatible server needs the endpoint, path-style addressing and its keys.
 */
public record ObjectStoreConfig(String bucket, String region, Optional<URI> endpoint, boolean pathStyle, Optional<StaticCredentials> credentials)
{
    public ObjectStoreConfig
    {
        requireNonNull(bucket, "bucket");
        requireNonNull(region, "region");
        requireNonNull(endpoint, "endpoint");
        requireNonNull(credentials, "credentials");
        if (bucket.isBlank()) {
            throw new IllegalArgumentException("bucket is blank");
        }
    }

    public static ObjectStoreConfig aws(String bucket, String region)
    {
        return new ObjectStoreConfig(bucket, region, Optional.empty(), false, Optional.empty());
    }

    public static ObjectStoreConfig local(String bucket, URI endpoint, String accessKeyId, String secretAccessKey)
    {
        return new ObjectStoreConfig(bucket, "us-east-1", Optional.of(endpoint), true, Optional.of(new StaticCredentials(accessKeyId, secretAccessKey)));
    }

    public ObjectStoreConfig withBucket(String bucket)
    {
        return new ObjectStoreConfig(bucket, region, endpoint, pathStyle, credentials);
    }

    public record StaticCredentials(String accessKeyId, String secretAccessKey)
    {
        public StaticCredentials
        {
            requireNonNull(accessKeyId, "accessKeyId");
            requireNonNull(secretAccessKey, "secretAccessKey");
        }

        @Override
        public String toString()
        {
            return "StaticCredentials[accessKeyId=" + accessKeyId + ", secretAccessKey=***]";
        }
    }
}
