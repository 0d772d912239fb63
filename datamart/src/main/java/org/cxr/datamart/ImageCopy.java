package org.cxr.datamart;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What became of one image's copy in the data mart folder.
 *
 * @param bytesDownloaded what was fetched from S3 for it (0 when the folder held it already)
 * @param fileName its COCO {@code file_name} when it is in the folder: the original, or the upright copy of a JPEG
 *         stored turned; empty when the image is left out
 */
public record ImageCopy(Status status, long bytesDownloaded, Optional<String> fileName)
{
    public enum Status
    {
        ALREADY_PRESENT,
        DOWNLOADED,
        MISSING_OBJECT,
        HASH_MISMATCH;

        /** Whether the image is in the folder, verified, and goes into the COCO files. */
        public boolean present()
        {
            return this == ALREADY_PRESENT || this == DOWNLOADED;
        }
    }

    public ImageCopy
    {
        requireNonNull(status, "status");
        requireNonNull(fileName, "fileName");
        if (bytesDownloaded < 0) {
            throw new IllegalArgumentException("bytesDownloaded cannot be negative, got " + bytesDownloaded);
        }
        if (fileName.isPresent() != status.present()) {
            throw new IllegalArgumentException("an image " + status + (fileName.isPresent() ? " has no" : " has a") + " file name");
        }
    }

    static ImageCopy left(Status status, long bytesDownloaded)
    {
        return new ImageCopy(status, bytesDownloaded, Optional.empty());
    }
}
