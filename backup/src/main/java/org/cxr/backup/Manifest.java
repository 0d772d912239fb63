package org.cxr.backup;

import org.cxr.lake.pipeline.Watermark;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What one backup run committed: every row of the lake with an image id in {@code (watermarkFrom.imageId,
 * watermarkTo.imageId]}, an inference id in {@code (watermarkFrom.inferenceId, watermarkTo.inferenceId]} (with its
 * boxes) or a review id in {@code (watermarkFrom.reviewId, watermarkTo.reviewId]} (with its decisions), in the
 * listed files. A manifest is written only after each of its files was read back and checked, so the backup is exactly
 * the files the manifests list; anything else under the backup prefix is not part of it.
 */
public record Manifest(
        int formatVersion,
        String runId,
        Instant createdAt,
        Watermark watermarkFrom,
        Watermark watermarkTo,
        DatasetCounts rows,
        List<ManifestFile> files)
{
    /**
     * Version 2 added the model_versions dataset, version 3 the reviews and review_boxes datasets and the review id of
     * the watermarks; older manifests are read as holding none of them, with review ids of 0.
     */
    public static final int FORMAT_VERSION = 3;

    /**
     * Run order: each run starts where the previous verified one ended. Runs that found only reviews share their
     * image and inference ids, and follow each other by review id.
     */
    public static final Comparator<Manifest> RUN_ORDER = Comparator.<Manifest>comparingLong(manifest -> manifest.watermarkFrom().inferenceId())
            .thenComparingLong(manifest -> manifest.watermarkFrom().imageId())
            .thenComparingLong(manifest -> manifest.watermarkFrom().reviewId());

    public Manifest
    {
        requireNonNull(runId, "runId");
        requireNonNull(createdAt, "createdAt");
        requireNonNull(watermarkFrom, "watermarkFrom");
        requireNonNull(watermarkTo, "watermarkTo");
        requireNonNull(rows, "rows");
        files = List.copyOf(requireNonNull(files, "files"));
        if (formatVersion < 1 || formatVersion > FORMAT_VERSION) {
            throw new IllegalArgumentException("Unsupported manifest format version " + formatVersion + " (this version reads 1 to " + FORMAT_VERSION + ")");
        }
    }

    public long sizeBytes()
    {
        return files.stream().mapToLong(ManifestFile::sizeBytes).sum();
    }

    public List<ManifestFile> files(Dataset dataset)
    {
        return files.stream().filter(file -> file.dataset() == dataset).toList();
    }
}
