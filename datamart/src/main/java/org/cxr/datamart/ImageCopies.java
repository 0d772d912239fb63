package org.cxr.datamart;

import org.bson.Document;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * The export's copies of images, for an engine that makes them on many machines before the export writes its files
 * ({@link ExportSource}): the same checks, downloads and upright copies as the export's own, into the same folder.
 */
public final class ImageCopies
{
    private final WarehouseDocuments documents = new WarehouseDocuments();
    private final LocalImages images;

    /** {@code outDir} is the data mart folder, seen at the same path wherever this runs (a shared file system). */
    public ImageCopies(S3Client s3, Path outDir)
    {
        DataMartLayout layout = new DataMartLayout(requireNonNull(outDir, "outDir"));
        try {
            Files.createDirectories(layout.imagesDirectory());
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + layout.imagesDirectory(), e);
        }
        this.images = new LocalImages(requireNonNull(s3, "s3"), layout);
    }

    /**
     * Makes sure the image of the document is in the folder, fetching it only when it is missing or damaged.
     *
     * @throws DataMartException if the document is not what the warehouse stage writes
     */
    public ImageCopy ensurePresent(Document document)
            throws IOException
    {
        requireNonNull(document, "document");
        try {
            return images.ensurePresent(documents.parse(document));
        }
        catch (InvalidDocumentException e) {
            throw new DataMartException("document " + document.get("_id") + ": " + e.getMessage(), e);
        }
    }
}
