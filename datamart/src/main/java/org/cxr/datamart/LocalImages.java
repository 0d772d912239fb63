package org.cxr.datamart;

import org.cxr.imaging.DecodedImage;
import org.cxr.imaging.ImageDecoder;
import org.cxr.imaging.ImageRejectedException;
import org.cxr.imaging.Intensity;
import org.cxr.imaging.Orientation;
import org.cxr.imaging.PixelBudget;
import org.cxr.imaging.UprightPng;
import org.cxr.lake.MediaType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Keeps the data mart's copy of each image: a file that already hashes to the image's id is left alone, anything else
 * (missing, truncated, corrupted, a symbolic link) is fetched again. A download streams into a temporary file beside
 * the target while it is hashed, is flushed to disk, and only then renamed over the target, so the target name only
 * ever holds complete, verified bytes.
 *
 * <p>The boxes of an image are in its upright frame (the detector applies the EXIF orientation), so for a JPEG stored
 * turned the copy also gets an upright PNG beside it, and that is the image the COCO files name. It is made again
 * whenever the original is fetched again, and written the same way (temporary file, then rename).
 */
final class LocalImages
{
    static final String TEMPORARY_PREFIX = ".download-";
    static final String TEMPORARY_SUFFIX = ".tmp";

    private static final Logger log = LoggerFactory.getLogger(LocalImages.class);
    private static final int BUFFER_SIZE = 64 * 1024;
    /** Upright copies decoded at once, in pixels: one large radiograph at a time, several small ones. */
    private static final long UPRIGHT_DECODE_BUDGET = 64L << 20;

    private final S3Client s3;
    private final DataMartLayout layout;
    private final PixelBudget uprightBudget = new PixelBudget(UPRIGHT_DECODE_BUDGET);

    LocalImages(S3Client s3, DataMartLayout layout)
    {
        this.s3 = requireNonNull(s3, "s3");
        this.layout = requireNonNull(layout, "layout");
    }

    ImageCopy ensurePresent(WarehouseImage image)
            throws IOException
    {
        Path target = layout.imageFile(image.sha256(), image.mediaType());
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            if (FileHashes.sha256(target).equals(image.sha256())) {
                return new ImageCopy(ImageCopy.Status.ALREADY_PRESENT, 0, Optional.of(fileName(image, target, false)));
            }
            log.warn("Local copy of image {} does not match its hash; fetching it again", image.sha256());
        }
        ImageCopy fetched = download(image, target);
        return fetched.status() == ImageCopy.Status.DOWNLOADED
                ? new ImageCopy(ImageCopy.Status.DOWNLOADED, fetched.bytesDownloaded(), Optional.of(fileName(image, target, true)))
                : fetched;
    }

    /** The original's name, or for a JPEG stored turned its upright copy's, made if missing or if the original is new. */
    private String fileName(WarehouseImage image, Path original, boolean fetched)
            throws IOException
    {
        if (image.mediaType() != MediaType.JPEG) {
            return DataMartLayout.relativeImageName(image.sha256(), image.mediaType());
        }
        byte[] bytes = Files.readAllBytes(original);
        if (Orientation.of(bytes) == Orientation.NORMAL) {
            return DataMartLayout.relativeImageName(image.sha256(), image.mediaType());
        }
        Path upright = layout.uprightImageFile(image.sha256());
        if (fetched || !Files.isRegularFile(upright, LinkOption.NOFOLLOW_LINKS)) {
            writeUpright(image, bytes, upright);
        }
        return DataMartLayout.relativeUprightImageName(image.sha256());
    }

    private void writeUpright(WarehouseImage image, byte[] bytes, Path upright)
            throws IOException
    {
        DecodedImage decoded;
        try {
            // The server accepted and decoded this image; its own size is the limit.
            decoded = new ImageDecoder(Math.max(1, (long) image.width() * image.height()), Intensity.BIT_DEPTH, uprightBudget).decode(bytes);
        }
        catch (ImageRejectedException e) {
            throw new DataMartException("Image " + image.sha256() + " is stored turned (EXIF orientation) and cannot be decoded to make it upright: " + e.getMessage(), e);
        }
        if (decoded.width() != image.width() || decoded.height() != image.height()) {
            log.warn("Image {} is {}x{} upright but the warehouse says {}x{}: its boxes were found before uploads were turned upright",
                    image.sha256(), decoded.width(), decoded.height(), image.width(), image.height());
        }
        Path temporary = Files.createTempFile(upright.getParent(), TEMPORARY_PREFIX, TEMPORARY_SUFFIX);
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(ByteBuffer.wrap(UprightPng.encode(decoded)));
                channel.force(true);
            }
            Files.move(temporary, upright, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        finally {
            Files.deleteIfExists(temporary);
        }
    }

    private ImageCopy download(WarehouseImage image, Path target)
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
                return ImageCopy.left(ImageCopy.Status.MISSING_OBJECT, 0);
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(image.sha256())) {
                log.error("Object s3://{}/{} hashes to {}, not to its warehouse id {}; left out of the dataset", image.bucket(), image.objectKey(), actual, image.sha256());
                return ImageCopy.left(ImageCopy.Status.HASH_MISMATCH, size);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            // The file name is made by the caller, once the bytes are in place.
            return new ImageCopy(ImageCopy.Status.DOWNLOADED, size, Optional.of(DataMartLayout.relativeImageName(image.sha256(), image.mediaType())));
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
