package org.cxr.lake;

import org.cxr.lake.db.Database;
import org.cxr.lake.db.MetadataReader;
import org.cxr.lake.db.MetadataWriter;
import org.cxr.lake.db.NewImage;
import org.cxr.lake.store.ObjectKeys;
import org.cxr.lake.store.ObjectStore;

import java.time.Clock;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Stage 2 of the platform, extract and load: every upload's bytes go to the object store and its metadata and
 * predictions to the database.
 *
 * <p>The object is written before the rows, and the rows in one transaction, so a failure at any point leaves either
 * nothing or an object without rows; such an orphan is invisible to readers and {@code OrphanSweeper} removes it. There
 * is never a row whose object is missing, nor an inference without its boxes.
 */
public final class Lake
{
    private final ObjectStore store;
    private final MetadataWriter writer;
    private final MetadataReader reader;
    private final Clock clock;

    public Lake(Database database, ObjectStore store, Clock clock)
    {
        requireNonNull(database, "database");
        this.store = requireNonNull(store, "store");
        this.clock = requireNonNull(clock, "clock");
        this.writer = new MetadataWriter(database);
        this.reader = new MetadataReader(database);
    }

    public Lake(Database database, ObjectStore store)
    {
        this(database, store, Clock.systemUTC());
    }

    public IngestResult ingest(Upload upload, InferenceRecord inference)
    {
        requireNonNull(upload, "upload");
        requireNonNull(inference, "inference");
        byte[] bytes = upload.bytes();
        String sha256 = ContentHash.sha256(bytes);

        // The key of an image the lake already has is the one in its row, whatever media type this upload claims.
        Optional<ImageRecord> known = reader.image(sha256);
        String key = known.map(ImageRecord::objectKey).orElseGet(() -> ObjectKeys.image(sha256, upload.mediaType()));
        // Only an object with a committed row may be skipped: an object without one may be an orphan that the sweeper is
        // about to delete, and writing it again renews its last-modified time, which puts it back in the grace period.
        if (known.isEmpty() || !store.exists(key)) {
            store.put(key, bytes, upload.mediaType().mimeType());
        }

        NewImage image = new NewImage(sha256, store.bucket(), key, upload.originalFileName(), upload.mediaType(), upload.width(), upload.height(), upload.sizeBytes());
        return writer.write(image, inference, clock.instant());
    }

    public Optional<StoredInference> inference(long id)
    {
        return reader.inference(id);
    }

    /** Newest first, a page at a time; pass the page's {@code next} cursor back for the following page. */
    public InferencePage inferences(InferenceFilter filter, PageRequest page)
    {
        return reader.inferences(filter, page);
    }

    public Optional<ImageRecord> image(String sha256)
    {
        return reader.image(sha256);
    }

    /** Whether this user uploaded the image at least once. */
    public boolean uploadedBy(String sha256, String userName)
    {
        return reader.uploadedBy(sha256, userName);
    }

    /** The stored bytes of an image, read with a plain GET. */
    public Optional<byte[]> imageBytes(ImageRecord image)
    {
        requireNonNull(image, "image");
        if (!image.bucket().equals(store.bucket())) {
            throw new IllegalArgumentException("Image " + image.sha256() + " is in bucket " + image.bucket() + ", not " + store.bucket());
        }
        return store.get(image.objectKey());
    }
}
