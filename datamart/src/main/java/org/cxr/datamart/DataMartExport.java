package org.cxr.datamart;

import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.client.MongoCollection;
import org.bson.Document;
import org.cxr.lake.errors.UnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * Stage 5: the warehouse's images exported to a local folder as a COCO dataset (the on-premise data mart) whose ground
 * truth is radiologists' reviewed labels only. See {@link DataMartLayout} for the folder's layout:
 * <ul>
 * <li>{@code annotations/train.json} and {@code val.json}: reviewed images (those reviewed as having no findings
 * included, without annotations) with the labels of their latest review, each with its lineage;
 * <li>{@code predictions/train.json} and {@code val.json}: the detector's boxes on those images, as COCO results;
 * <li>{@code annotations/unreviewed.json}: images nobody has reviewed, with the detector's boxes marked as predictions.
 * </ul>
 * The split is by image hash ({@link Split}), for reviewed and unreviewed images alike, so an image never changes split
 * when it is reviewed.
 * <p>
 * A run reads the warehouse one page at a time in {@code _id} order, makes sure each image's file is in the folder
 * (fetching only the missing or damaged ones), and streams each file. Before any of that, every document is read and
 * checked once: a document that is not what the warehouse writes (a box naming a class its model does not have, a
 * review deciding a box of another inference) fails the export with what is wrong, and the previous files stay; an
 * image is never silently left out. The categories are the classes of the models that made the exported boxes and
 * labels ({@link Categories}). Ids come from the warehouse (image id = {@code imageId}, label id = {@code reviewBoxId},
 * prediction id = {@code boxId}), so the same warehouse gives the same files, but for {@code info.date_created}. A run
 * that stops anywhere leaves only complete, verified images and the previous files; the next run converges. Images
 * that leave the warehouse keep their files (they are no longer in the COCO files).
 */
public final class DataMartExport
{
    public static final String DEFAULT_DATABASE = "x_ray";
    public static final String DEFAULT_COLLECTION = "images";

    private static final Logger log = LoggerFactory.getLogger(DataMartExport.class);
    private static final int MAX_PROBLEMS_NAMED = 5;

    private final ExportSource source;
    private final S3Client s3;
    private final DataMartOptions options;
    private final Clock clock;

    /**
     * @param images the warehouse's image collection (by default {@value #DEFAULT_COLLECTION} in {@value #DEFAULT_DATABASE})
     * @param s3 the client the images are fetched with, from each document's {@code bucket}; the caller owns and closes it
     * @param clock what {@code info.date_created} is read from
     */
    public DataMartExport(MongoCollection<Document> images, S3Client s3, DataMartOptions options, Clock clock)
    {
        this(warehouseCopy(requireNonNull(images, "images"), requireNonNull(options, "options")), s3, options, clock);
    }

    /**
     * An export of the documents another engine builds (Apache Spark, from the backup), into the same files.
     *
     * @param s3 the client the images the source did not copy are fetched with
     */
    public DataMartExport(ExportSource source, S3Client s3, DataMartOptions options, Clock clock)
    {
        this.source = requireNonNull(source, "source");
        this.s3 = requireNonNull(s3, "s3");
        this.options = requireNonNull(options, "options");
        this.clock = requireNonNull(clock, "clock");
    }

    public DataMartExport(MongoCollection<Document> images, S3Client s3, DataMartOptions options)
    {
        this(images, s3, options, Clock.systemUTC());
    }

    public DataMartExport(MongoCollection<Document> images, S3Client s3)
    {
        this(images, s3, DataMartOptions.defaults());
    }

    private static ExportSource warehouseCopy(MongoCollection<Document> images, DataMartOptions options)
    {
        return layout -> WarehousePages.copy(images, options.pageSize(), layout.root());
    }

    /**
     * Exports into {@code outDir}, creating it if needed.
     *
     * @throws DataMartException if the export did not finish (another run holds the folder, the warehouse or S3
     * failed, the disk is full); the folder stays consistent and the next run converges
     */
    public DataMartResult run(Path outDir)
    {
        requireNonNull(outDir, "outDir");
        long start = System.nanoTime();
        DataMartLayout layout = new DataMartLayout(outDir);
        try {
            Files.createDirectories(layout.imagesDirectory());
            Files.createDirectories(layout.annotationsDirectory());
            Files.createDirectories(layout.predictionsDirectory());
            try (ExportLock ignored = ExportLock.acquire(layout.root())) {
                int leftovers = TemporaryFiles.deleteLeftovers(layout.root()) + TemporaryFiles.deleteLeftovers(layout.imagesDirectory())
                        + TemporaryFiles.deleteLeftovers(layout.annotationsDirectory()) + TemporaryFiles.deleteLeftovers(layout.predictionsDirectory());
                if (leftovers > 0) {
                    log.info("Removed {} temporary files an interrupted export left in {}", leftovers, layout.root());
                }
                DataMartResult result = export(layout, start);
                log.info("Exported {} reviewed images ({} train, {} val) with {} labels and {} unreviewed images to {}: {} downloaded ({} bytes), {} already present, {} skipped, in {}",
                        result.reviewedImages(), result.train().images(), result.validation().images(), result.annotations(), result.unreviewed().images(), layout.root(),
                        result.imagesDownloaded(), result.bytesDownloaded(), result.imagesAlreadyPresent(), result.skipped().total(), result.elapsed());
                return result;
            }
        }
        catch (DataMartException e) {
            throw e;
        }
        catch (IOException e) {
            throw new DataMartException("Data mart export to " + layout.root() + " failed: " + e, e);
        }
        catch (RuntimeException e) {
            throw new DataMartException("Data mart export to " + layout.root() + " failed: " + e.getMessage(), unavailableIfConnection(e));
        }
    }

    /**
     * The warehouse or S3 that cannot be reached is a fault that may pass; told apart here, where the clients are known,
     * as {@link UnavailableException}. (What S3 refuses for good, or a full disk, is not.)
     */
    private static RuntimeException unavailableIfConnection(RuntimeException e)
    {
        if (e instanceof MongoSocketException || e instanceof MongoTimeoutException || e instanceof MongoNotPrimaryException) {
            return new UnavailableException("The warehouse cannot be reached: " + e.getMessage(), e);
        }
        if (e instanceof SdkClientException || (e instanceof S3Exception s3 && s3.statusCode() >= 500)) {
            return new UnavailableException("S3 cannot be reached: " + e.getMessage(), e);
        }
        return e;
    }

    private DataMartResult export(DataMartLayout layout, long start)
            throws IOException
    {
        WarehouseDocuments documents = new WarehouseDocuments();
        LocalImages localImages = new LocalImages(s3, layout);
        Tally tally = new Tally();
        Instant exportedAt = clock.instant();
        Outputs files = null;
        ExecutorService downloads = Executors.newFixedThreadPool(options.parallelDownloads(), new DownloadThreads());
        try (ExportSource.Documents pages = source.open(layout)) {
            Categories categories = check(pages, documents);
            pages.rewind();
            files = Outputs.open(layout, categories, exportedAt);
            for (List<ExportSource.Entry> page = pages.next(); !page.isEmpty(); page = pages.next()) {
                exportPage(page, documents, localImages, downloads, files, tally);
            }
            return files.commit(layout, categories, tally, exportedAt, Duration.ofNanos(System.nanoTime() - start));
        }
        finally {
            downloads.shutdownNow();
            if (files != null) {
                files.close();
            }
            awaitTermination(downloads);
        }
    }

    /** The files one export writes: the reviewed splits, their predictions and the unreviewed images. */
    private record Outputs(Map<Split, CocoSplitWriter> reviewed, Map<Split, PredictionsWriter> predictions, CocoSplitWriter unreviewed)
            implements java.io.Closeable
    {
        static Outputs open(DataMartLayout layout, Categories categories, Instant exportedAt)
                throws IOException
        {
            Map<Split, CocoSplitWriter> reviewed = new EnumMap<>(Split.class);
            Map<Split, PredictionsWriter> predictions = new EnumMap<>(Split.class);
            try {
                for (Split split : Split.values()) {
                    reviewed.put(split, CocoSplitWriter.reviewed(layout.annotationFile(split), split, categories, exportedAt));
                    predictions.put(split, PredictionsWriter.open(layout.predictionsFile(split), categories));
                }
                return new Outputs(reviewed, predictions, CocoSplitWriter.unreviewed(layout.unreviewedFile(), categories, exportedAt));
            }
            catch (IOException | RuntimeException e) {
                new Outputs(reviewed, predictions, null).close();
                throw e;
            }
        }

        DataMartResult commit(DataMartLayout layout, Categories categories, Tally tally, Instant exportedAt, Duration elapsed)
                throws IOException
        {
            Map<Split, SplitCounts> counts = new EnumMap<>(Split.class);
            Map<Split, Long> predicted = new EnumMap<>(Split.class);
            LabelCounts labels = LabelCounts.NONE;
            for (Split split : Split.values()) {
                CocoSplitWriter writer = reviewed.get(split);
                counts.put(split, writer.commit());
                labels = labels.plus(writer.annotationsBySource(), writer.noFindingsImages());
                predicted.put(split, predictions.get(split).commit());
            }
            SplitCounts unreviewedCounts = unreviewed.commit();
            return new DataMartResult(
                    layout.root(),
                    counts.get(Split.TRAIN),
                    counts.get(Split.VALIDATION),
                    unreviewedCounts,
                    labels,
                    predicted.get(Split.TRAIN),
                    predicted.get(Split.VALIDATION),
                    categories.names(),
                    tally.downloaded,
                    tally.alreadyPresent,
                    tally.bytesDownloaded,
                    new SkippedImages(tally.missingObjects, tally.hashMismatches),
                    exportedAt,
                    elapsed);
        }

        @Override
        public void close()
                throws IOException
        {
            for (CocoSplitWriter writer : reviewed.values()) {
                writer.close();
            }
            for (PredictionsWriter writer : predictions.values()) {
                writer.close();
            }
            if (unreviewed != null) {
                unreviewed.close();
            }
        }
    }

    /** Reads every document once: all must be valid, and their models give the categories. */
    private static Categories check(ExportSource.Documents pages, WarehouseDocuments documents)
    {
        Categories.Builder categories = new Categories.Builder();
        List<String> problems = new ArrayList<>();
        long invalid = 0;
        for (List<ExportSource.Entry> page = pages.next(); !page.isEmpty(); page = pages.next()) {
            for (ExportSource.Entry entry : page) {
                Document document = entry.document();
                try {
                    WarehouseImage image = documents.parse(document);
                    // The exported inference: the reviewed one, or for an image nobody reviewed its latest.
                    categories.add(image.reviewed().map(WarehouseImage.Reviewed::inference)
                            .or(image::inference)
                            .orElseThrow(() -> new InvalidDocumentException("it has no inference")));
                }
                catch (InvalidDocumentException e) {
                    invalid++;
                    if (problems.size() < MAX_PROBLEMS_NAMED) {
                        problems.add("document " + document.get("_id") + ": " + e.getMessage());
                    }
                }
            }
        }
        if (invalid > 0) {
            throw new DataMartException(invalid + " warehouse document(s) are not what the warehouse stage writes, so nothing was exported (the previous"
                    + " export stays): " + String.join("; ", problems) + (invalid > problems.size() ? "; ..." : ""));
        }
        return categories.build();
    }

    /** Fetches the page's images in parallel, then writes the page in order, so the output does not depend on timing. */
    private void exportPage(
            List<ExportSource.Entry> page,
            WarehouseDocuments documents,
            LocalImages localImages,
            ExecutorService downloads,
            Outputs files,
            Tally tally)
            throws IOException
    {
        List<WarehouseImage> labelled = new ArrayList<>(page.size());
        for (ExportSource.Entry entry : page) {
            Document document = entry.document();
            try {
                labelled.add(documents.parse(document));
            }
            catch (InvalidDocumentException e) {
                // Every document was checked before the export began; the copy did not change since.
                throw new IllegalStateException("document " + document.get("_id") + " of the checked copy is invalid: " + e.getMessage(), e);
            }
        }

        List<Future<ImageCopy>> outcomes = new ArrayList<>(labelled.size());
        for (int i = 0; i < labelled.size(); i++) {
            WarehouseImage image = labelled.get(i);
            Optional<ImageCopy> copied = page.get(i).copy();
            outcomes.add(copied.isPresent() ? CompletableFuture.completedFuture(copied.get()) : downloads.submit(() -> localImages.ensurePresent(image)));
        }
        for (int i = 0; i < labelled.size(); i++) {
            WarehouseImage image = labelled.get(i);
            ImageCopy outcome = await(outcomes, i);
            tally.bytesDownloaded += outcome.bytesDownloaded();
            switch (outcome.status()) {
                case ALREADY_PRESENT -> tally.alreadyPresent++;
                case DOWNLOADED -> tally.downloaded++;
                case MISSING_OBJECT -> tally.missingObjects++;
                case HASH_MISMATCH -> tally.hashMismatches++;
            }
            if (outcome.status().present()) {
                String fileName = outcome.fileName().orElseThrow();
                Split split = Split.of(image.sha256(), options.trainRatio());
                Optional<WarehouseImage.Reviewed> reviewed = image.reviewed();
                if (reviewed.isPresent()) {
                    files.reviewed().get(split).addReviewed(image, fileName, reviewed.get());
                    files.predictions().get(split).add(image, reviewed.get().inference());
                }
                else {
                    files.unreviewed().addPredicted(image, fileName, image.inference().orElseThrow(), split);
                }
            }
        }
    }

    private static ImageCopy await(List<Future<ImageCopy>> outcomes, int index)
            throws IOException
    {
        try {
            return outcomes.get(index).get();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcomes.forEach(outcome -> outcome.cancel(true));
            throw new DataMartException("Interrupted while fetching images", e);
        }
        catch (ExecutionException e) {
            outcomes.forEach(outcome -> outcome.cancel(true));
            Throwable cause = e.getCause();
            if (cause instanceof IOException ioException) {
                throw ioException;
            }
            if (cause instanceof RuntimeException runtimeException) {
                throw runtimeException;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new UncheckedIOException(new IOException(cause));
        }
    }

    private static void awaitTermination(ExecutorService downloads)
    {
        try {
            // A cancelled download deletes its temporary file on its way out; give it the moment it needs.
            if (!downloads.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("Image downloads still running after the export ended");
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Counts of one run; touched only by the run's own thread. */
    private static final class Tally
    {
        long downloaded;
        long alreadyPresent;
        long bytesDownloaded;
        long missingObjects;
        long hashMismatches;
    }

    private static final class DownloadThreads
            implements ThreadFactory
    {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable runnable)
        {
            Thread thread = new Thread(runnable, "datamart-download-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
