package org.cxr.datamart;

import java.util.HashSet;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * How the data mart is exported.
 *
 * @param classNames the detector's classes in class-id order: class id {@code i} becomes COCO category {@code i + 1}
 * @param trainRatio the share of images in the training split, decided per image by its hash (see {@link Split})
 * @param pageSize how many warehouse documents are read (and held) at a time
 * @param parallelDownloads how many images of a page are checked or downloaded at once
 */
public record DataMartOptions(List<String> classNames, double trainRatio, int pageSize, int parallelDownloads)
{
    /** The five findings of the original VinBigData model, in its class order. */
    public static final List<String> DEFAULT_CLASS_NAMES = List.of("Aortic enlargement", "Cardiomegaly", "ILD", "Infiltration", "Nodule/Mass");
    public static final double DEFAULT_TRAIN_RATIO = 0.8;
    public static final int DEFAULT_PAGE_SIZE = 500;
    public static final int DEFAULT_PARALLEL_DOWNLOADS = 4;
    public static final int MAX_PAGE_SIZE = 10_000;

    public DataMartOptions
    {
        classNames = List.copyOf(requireNonNull(classNames, "classNames"));
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException("classNames is empty");
        }
        if (classNames.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("classNames has a blank name: " + classNames);
        }
        if (new HashSet<>(classNames).size() != classNames.size()) {
            throw new IllegalArgumentException("classNames has duplicates: " + classNames);
        }
        if (!(trainRatio >= 0 && trainRatio <= 1)) {
            throw new IllegalArgumentException("trainRatio must be between 0 and 1, got " + trainRatio);
        }
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("pageSize must be between 1 and " + MAX_PAGE_SIZE + ", got " + pageSize);
        }
        if (parallelDownloads < 1) {
            throw new IllegalArgumentException("parallelDownloads must be at least 1, got " + parallelDownloads);
        }
    }

    public static DataMartOptions defaults()
    {
        return new DataMartOptions(DEFAULT_CLASS_NAMES, DEFAULT_TRAIN_RATIO, DEFAULT_PAGE_SIZE, DEFAULT_PARALLEL_DOWNLOADS);
    }

    public DataMartOptions withClassNames(List<String> classNames)
    {
        return new DataMartOptions(classNames, trainRatio, pageSize, parallelDownloads);
    }

    public DataMartOptions withTrainRatio(double trainRatio)
    {
        return new DataMartOptions(classNames, trainRatio, pageSize, parallelDownloads);
    }

    public DataMartOptions withPageSize(int pageSize)
    {
        return new DataMartOptions(classNames, trainRatio, pageSize, parallelDownloads);
    }

    public DataMartOptions withParallelDownloads(int parallelDownloads)
    {
        return new DataMartOptions(classNames, trainRatio, pageSize, parallelDownloads);
    }
}
