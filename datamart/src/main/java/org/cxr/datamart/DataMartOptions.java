package org.cxr.datamart;

/**
 * How the data mart is exported.
 *
 * @param trainRatio the share of images in the training split, decided per image by its hash (see {@link Split})
 * @param pageSize how many warehouse documents are read (and held) at a time
 * @param parallelDownloads how many images of a page are checked or downloaded at once
 */
public record DataMartOptions(double trainRatio, int pageSize, int parallelDownloads)
{
    public static final double DEFAULT_TRAIN_RATIO = 0.8;
    public static final int DEFAULT_PAGE_SIZE = 500;
    public static final int DEFAULT_PARALLEL_DOWNLOADS = 4;
    public static final int MAX_PAGE_SIZE = 10_000;

    public DataMartOptions
    {
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
        return new DataMartOptions(DEFAULT_TRAIN_RATIO, DEFAULT_PAGE_SIZE, DEFAULT_PARALLEL_DOWNLOADS);
    }

    public DataMartOptions withTrainRatio(double trainRatio)
    {
        return new DataMartOptions(trainRatio, pageSize, parallelDownloads);
    }

    public DataMartOptions withPageSize(int pageSize)
    {
        return new DataMartOptions(trainRatio, pageSize, parallelDownloads);
    }

    public DataMartOptions withParallelDownloads(int parallelDownloads)
    {
        return new DataMartOptions(trainRatio, pageSize, parallelDownloads);
    }
}
