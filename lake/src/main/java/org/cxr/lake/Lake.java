package org.cxr.lake;

import org.cxr.lake.db.MetadataReader;
import org.cxr.lake.db.MetadataWriter;
import org.cxr.lake.db.ModelRegistry;
import org.cxr.lake.db.NewImage;
import org.cxr.lake.db.ReviewStore;
import org.cxr.lake.errors.Failures;
import org.cxr.lake.errors.UnavailableException;
import org.cxr.lake.sql.Database;
import org.cxr.lake.store.ObjectKeys;
import org.cxr.lake.store.ObjectStore;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Stage 2 of the platform, extract and load: every upload's bytes go to the object store and its metadata and
 * predictions to the database.
 *
 * <p>The object is written before the rows, and the rows in one transaction, so a failure at any point leaves either
 * nothing or an object without rows; such an orphan is invisible to readers and {@code OrphanSweeper} removes it. There
 * is never a row whose object is missing, nor an inference without its boxes. A database or object store that does not
 * answer is an {@link UnavailableException}.
 */
public final class Lake
{
    private static final String NOT_STORED = "The database is unavailable; the upload was not stored. Try again shortly.";

    private final Database database;
    private final ObjectStore store;
    private final MetadataWriter writer;
    private final MetadataReader reader;
    private final ModelRegistry models;
    private final ReviewStore reviews;
    private final Clock clock;

    public Lake(Database database, ObjectStore store, Clock clock)
    {
        this.database = requireNonNull(database, "database");
        this.store = requireNonNull(store, "store");
        this.clock = requireNonNull(clock, "clock");
        this.writer = new MetadataWriter(database);
        this.reader = new MetadataReader(database);
        this.models = new ModelRegistry(database, clock);
        this.reviews = new ReviewStore(database, reader, models);
    }

    public Lake(Database database, ObjectStore store)
    {
        this(database, store, Clock.systemUTC());
    }

    public IngestResult ingest(Upload upload, NewInference inference)
    {
        return ingest(upload, inference, stored -> {});
    }

    /**
     * Stores the upload; {@code alsoInTransaction} runs in the metadata transaction after the rows are written, and
     * what it writes through the database commits with them or not at all (the upload's audit row). It may run more
     * than once, when the database rolls the transaction back for a deadlock and it is run again.
     */
    public IngestResult ingest(Upload upload, NewInference inference, Consumer<IngestResult> alsoInTransaction)
    {
        requireNonNull(upload, "upload");
        return ingest(stage(identify(upload.bytes()), upload.bytes(), upload.mediaType()), upload.originalFileName(), upload.width(), upload.height(), inference, alsoInTransaction);
    }

    /**
     * An upload's bytes identified: their SHA-256, and the image's row if the lake already has them. It stores
     * nothing, so it can run before the file is known to be an image, while it decodes.
     */
    public IdentifiedImage identify(byte[] bytes)
    {
        requireNonNull(bytes, "bytes");
        String sha256 = ContentHash.sha256(bytes);
        return new IdentifiedImage(sha256, database(NOT_STORED, () -> reader.image(sha256)));
    }

    /**
     * The first half of an ingest: the identified bytes in the object store (written unless the lake has them), no
     * metadata yet. It needs nothing the detector finds, so it can run while the detector works. An object staged but
     * never ingested (the upload was refused after all, or the server stopped) has no row, so readers never see it,
     * and {@code OrphanSweeper} deletes it after its grace period.
     */
    public StagedImage stage(IdentifiedImage identified, byte[] bytes, MediaType mediaType)
    {
        requireNonNull(identified, "identified");
        requireNonNull(bytes, "bytes");
        requireNonNull(mediaType, "mediaType");
        Optional<ImageRecord> known = identified.known();
        // The key of an image the lake already has is the one in its row, whatever media type this upload claims.
        String key = known.map(ImageRecord::objectKey).orElseGet(() -> ObjectKeys.image(identified.sha256(), mediaType));
        // An image with a committed row has its object: the row is written only after the object, and the sweeper never
        // deletes an object that has one, so a known image needs no round trip to the store (an object removed behind
        // the lake's back is counted by the data mart's export among its skipped images, not quietly put back). An
        // object without a row may be an orphan that the sweeper is about to delete: writing it again renews its
        // last-modified time, which puts it back in the grace period.
        try {
            if (known.isEmpty()) {
                store.put(key, bytes, mediaType.mimeType());
            }
        }
        catch (UnavailableException e) {
            throw new UnavailableException("The image store is unavailable; the upload was not stored. Try again shortly.", e);
        }
        return new StagedImage(identified.sha256(), key, mediaType, bytes.length, known);
    }

    /**
     * The second half: the image row (unless the lake has it), the inference and its boxes in one transaction, with
     * whatever {@code alsoInTransaction} writes. Its object is in the store already ({@link #stage}), so a row never
     * exists without its object. {@code width} and {@code height} are the upright picture's.
     */
    public IngestResult ingest(StagedImage staged, String originalFileName, int width, int height, NewInference inference,
            Consumer<IngestResult> alsoInTransaction)
    {
        requireNonNull(staged, "staged");
        requireNonNull(inference, "inference");
        requireNonNull(alsoInTransaction, "alsoInTransaction");
        NewImage image = new NewImage(staged.sha256(), store.bucket(), staged.objectKey(), Upload.checkFileName(originalFileName), staged.mediaType(), width, height,
                staged.sizeBytes());
        return database(NOT_STORED, () -> writer.write(image, staged.known().isPresent(), inference, clock.instant(), alsoInTransaction));
    }

    /**
     * Registers the model that is about to store inferences, or finds it registered. A name and version stand for one
     * list of classes for ever: a model whose classes differ from those registered under its name and version is a
     * {@link org.cxr.lake.errors.ConflictException}, since its class ids would be read with the other model's names.
     */
    public ModelVersion registerModel(String name, String version, List<String> classNames)
    {
        return database(() -> models.register(name, version, classNames));
    }

    /** Every registered model, oldest first. */
    public List<ModelVersion> models()
    {
        return database(models::all);
    }

    public Optional<ModelVersion> model(String name, String version)
    {
        return database(() -> models.find(name, version));
    }

    public Optional<StoredInference> inference(long id)
    {
        return database(() -> reader.inference(id));
    }

    /** Newest first, a page at a time; pass the page's {@code next} cursor back for the following page. */
    public InferencePage inferences(InferenceFilter filter, PageRequest page)
    {
        return database(() -> reader.inferences(filter, page));
    }

    public Optional<ImageRecord> image(String sha256)
    {
        return database(() -> reader.image(sha256));
    }

    /** Whether this user uploaded the image at least once. */
    public boolean uploadedBy(String sha256, String userName)
    {
        return database(() -> reader.uploadedBy(sha256, userName));
    }

    /** The stored bytes of an image, read with a plain GET. */
    public Optional<byte[]> imageBytes(ImageRecord image)
    {
        requireNonNull(image, "image");
        if (!image.bucket().equals(store.bucket())) {
            throw new IllegalStateException("Image " + image.sha256() + " is in bucket " + image.bucket() + ", not " + store.bucket());
        }
        return store.get(image.objectKey());
    }

    /**
     * Stores a radiologist's review of an inference, checked whole against it (a decision for each predicted box and
     * only those, classes of its model, boxes inside its image): an {@link org.cxr.lake.errors.InvalidInputException}
     * names what is wrong and nothing is stored. {@code alsoInTransaction} commits with it (the audit row).
     */
    public StoredReview review(NewReview review, Consumer<StoredReview> alsoInTransaction)
    {
        return database(() -> reviews.write(review, clock.instant().truncatedTo(ChronoUnit.MICROS), alsoInTransaction));
    }

    /** Every review of the inference, newest first (the first supersedes the others, which stay). */
    public List<StoredReview> reviews(long inferenceId)
    {
        return database(() -> reviews.ofInference(inferenceId));
    }

    public Optional<StoredReview> latestReview(long inferenceId)
    {
        return database(() -> Optional.ofNullable(reviews.latest(List.of(inferenceId)).get(inferenceId)));
    }

    /**
     * Inferences nobody has reviewed, the most abnormal first (highest box score), except that one made more than
     * {@code maxWait} ago goes before all of those, oldest first: priority never starves a study.
     */
    public List<WorklistEntry> worklist(int limit, Duration maxWait)
    {
        requireNonNull(maxWait, "maxWait");
        return database(() -> reviews.worklist(limit, clock.instant().minus(maxWait)));
    }

    /** How the latest review of each reviewed inference judged its model's boxes, per model version and class. */
    public List<ModelAgreement> agreement()
    {
        return database(reviews::agreement);
    }

    private static <T> T database(Supplier<T> work)
    {
        return database("The database is unavailable. Try again shortly.", work);
    }

    private static <T> T database(String unavailable, Supplier<T> work)
    {
        try {
            return work.get();
        }
        catch (RuntimeException e) {
            if (Failures.isDatabaseUnavailable(e)) {
                throw new UnavailableException(unavailable, e);
            }
            throw e;
        }
    }
}
