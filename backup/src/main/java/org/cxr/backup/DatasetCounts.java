package org.cxr.backup;

/**
 * Rows per dataset of a backup run. {@code modelVersions} is the whole model table as of the run (a snapshot, not the
 * new rows); manifests written before a dataset existed read its count as 0 (model versions before format 2, reviews
 * and review boxes before format 3).
 */
public record DatasetCounts(long images, long inferences, long predictedBoxes, long detections, long modelVersions, long reviews, long reviewBoxes)
{
    public static final DatasetCounts NONE = new DatasetCounts(0, 0, 0, 0, 0, 0, 0);

    public DatasetCounts
    {
        if (images < 0 || inferences < 0 || predictedBoxes < 0 || detections < 0 || modelVersions < 0 || reviews < 0 || reviewBoxes < 0) {
            throw new IllegalArgumentException("row counts cannot be negative");
        }
    }

    public long of(Dataset dataset)
    {
        return switch (dataset) {
            case IMAGES -> images;
            case INFERENCES -> inferences;
            case PREDICTED_BOXES -> predictedBoxes;
            case DETECTIONS -> detections;
            case MODEL_VERSIONS -> modelVersions;
            case REVIEWS -> reviews;
            case REVIEW_BOXES -> reviewBoxes;
        };
    }

    public DatasetCounts plus(Dataset dataset, long rows)
    {
        return new DatasetCounts(
                images + (dataset == Dataset.IMAGES ? rows : 0),
                inferences + (dataset == Dataset.INFERENCES ? rows : 0),
                predictedBoxes + (dataset == Dataset.PREDICTED_BOXES ? rows : 0),
                detections + (dataset == Dataset.DETECTIONS ? rows : 0),
                modelVersions + (dataset == Dataset.MODEL_VERSIONS ? rows : 0),
                reviews + (dataset == Dataset.REVIEWS ? rows : 0),
                reviewBoxes + (dataset == Dataset.REVIEW_BOXES ? rows : 0));
    }
}
