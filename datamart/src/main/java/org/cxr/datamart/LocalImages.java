package org.cxr.datamart;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;

import static java.util.Objects.requireNonNull;

/**
 * Keeps the data mart's copy of each image: a file that already hashes to the image's id is left alone, anything else
 * (missing, truncated, corrupted, a symbolic link) is fetched again. A download streams into a temporary file beside
 * the target while it is hashed, is flushed to disk, and only then renamed over the target, so the target name only
 * ever holds complete, verified bytes.
 */
final class LocalImages
{
    static final String TEMPORARY_PREFIX = ".download-";
    static final String TEMPORARY_SUFFIX = ".tmp";

    private static final Logger log = LoggerFactory.getLogger(LocalImages.class);
    private static final int BUFFER_SIZE = 64 * 1024;

    private final S3Client s3;
    private final DataMartLayout layout;

    LocalImages(S3Client s3, DataMartLayout layout)
    {
        this.s3 = requireNonNull(s3, "s3");
        this.layout = requireNonNull(layout, "layout");
    }

    enum Status
    {
        ALREADY_PRESENT,
        DOWNLOADED,
        MISSING_OBJECT,
        HASH_MISMATCH,
    }

    record Outcome(Status status, long bytesDownloaded) {}

    Outcome ensurePresent(WarehouseImage image)
            throws IOException
    {
        Path target = layout.imageFile(image.sha256(), image.mediaType());
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            if (FileHashes.sha256(target).equals(image.sha256())) {
                return new Outcome(Status.ALREADY_PRESENT, 0);
            }
            log.warn("Local copy of image {} does not match its hash; fetching it again", image.sha256());
        }
        return download(image, target);
    }

    private Outcome download(WarehouseImage image, Path target)
            throws IOException
    {
        Path temporary = Files.createTempFile(target.getParent(), TEMPORARY_PREFIX, TEMPORARY_SUFFIX);
        try {
            MessageDigest digest = FileHashes.newDigest();
            long size = 0;
            // A plain GetObject: ranged (multipart) downloads are not served by every S3-compatible server.
            try (ResponseInputStream<GetObjectResponse> input = s3.getObject(request -> request.bucket(image.bucket()).key(image.objectKey()));
                    FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                size = copy(input, Channels.newOutputStream(channel), digest);
                channel.force(true);
            }
            catch (NoSuchKeyException e) {
                log.warn("Image {} is not in S3 at s3://{}/{}; left out of the dataset", image.sha256(), image.bucket(), image.objectKey());
                return new Outcome(Status.MISSING_OBJECT, 0);
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(image.sha256())) {
                log.error("Object s3://{}/{} hashes to {}, not to its warehouse id {}; left out of the dataset", image.bucket(), image.objectKey(), actual, image.sha256());
                return new Outcome(Status.HASH_MISMATCH, size);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new Outcome(Status.DOWNLOADED, size);
        }
        finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static long copy(InputStream input, OutputStream output, MessageDigest digest)
            throws IOException
    {
        byte[] buffer = new byte[BUFFER_SIZE];
        long total = 0;
        for (int read = input.read(buffer); read >= 0; read = input.read(buffer)) {
            digest.update(buffer, 0, read);
            output.write(buffer, 0, read);
            total += read;
        }
        return total;
    }
}
