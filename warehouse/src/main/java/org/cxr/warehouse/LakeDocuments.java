package org.cxr.warehouse;

import org.cxr.lake.BoxRecord;
import org.cxr.lake.ImageRecord;
import org.cxr.lake.InferenceRecord;
import org.cxr.lake.ModelVersion;
import org.cxr.lake.ReviewBoxRecord;
import org.cxr.lake.StoredInference;
import org.cxr.lake.StoredReview;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The lake's records as the warehouse nests them: the one place that makes documents of rows, for this stage and for
 * any engine that reads the lake (or its backup) itself, so that every engine writes the same documents.
 */
public final class LakeDocuments
{
    private LakeDocuments() {}

    /** The document of an image holding these inferences (in inference id order). */
    public static ImageDocument image(ImageRecord image, List<InferenceDocument> inferences)
    {
        requireNonNull(image, "image");
        return new ImageDocument(image.sha256(), image.id(), image.bucket(), image.objectKey(), image.originalFileName(), image.mediaType(), image.width(),
                image.height(), image.sizeBytes(), image.firstSeen(), inferences);
    }

    /**
     * The classes of the inference's model ({@code models} by {@code name@version}), in class-id order; none for a model
     * never registered (inferences stored before the lake kept a registry).
     */
    public static List<String> modelClasses(InferenceRecord inference, Map<String, ModelVersion> models)
    {
        ModelVersion model = models.get(modelKey(inference));
        return model == null ? List.of() : model.classNames();
    }

    /** {@code name@version}, as {@link ModelVersion#key()} names the inference's model. */
    public static String modelKey(InferenceRecord inference)
    {
        return inference.modelName() + "@" + inference.modelVersion();
    }

    /**
     * An inference with its boxes, its model's classes ({@link #modelClasses}) and the given reviews (the stage itself
     * adds reviews later, by review pages).
     */
    public static InferenceDocument inference(StoredInference stored, List<String> modelClasses, List<ReviewDocument> reviews)
    {
        requireNonNull(stored, "stored");
        requireNonNull(modelClasses, "modelClasses");
        InferenceRecord inference = stored.inference();
        return new InferenceDocument(inference.id(), inference.createdAt(), inference.modelName(), inference.modelVersion(),
                modelClasses, inference.confidenceThreshold(), inference.nmsIouThreshold(), inference.durationMillis(),
                inference.userName(), stored.boxes().stream().map(LakeDocuments::detection).toList(), reviews);
    }

    /** A review with its decisions (in decision id order). */
    public static ReviewDocument review(StoredReview stored)
    {
        requireNonNull(stored, "stored");
        return new ReviewDocument(stored.id(), stored.review().reviewer(), stored.reviewedAt(), stored.review().comment(),
                stored.boxes().stream().map(LakeDocuments::reviewedBox).toList());
    }

    private static ReviewedBox reviewedBox(ReviewBoxRecord box)
    {
        return new ReviewedBox(box.id(), box.predictedBoxId(), box.decision(), box.label());
    }

    private static Detection detection(BoxRecord box)
    {
        return new Detection(box.id(), box.classId(), box.className(), box.score(), box.xMin(), box.yMin(), box.xMax(), box.yMax());
    }
}
