package org.cxr.app.inference;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.cxr.app.review.ReviewJson;
import org.cxr.app.review.ReviewJson.ReviewResponse;
import org.cxr.detector.Detection;
import org.cxr.lake.BoxRecord;
import org.cxr.lake.ImageRecord;
import org.cxr.lake.InferenceRecord;
import org.cxr.lake.InferenceSummary;
import org.cxr.lake.StoredInference;
import org.cxr.lake.StoredReview;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The JSON shapes of the inference API, as the OpenAPI document describes them. */
final class InferenceJson
{
    private InferenceJson() {}

    record BoxJson(double xMin, double yMin, double xMax, double yMax) {}

    /** A box the detector found; {@code predictedBoxId} (what a review names) for a stored box, absent for a candidate. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DetectionJson(Long predictedBoxId, int classId, String className, double score, BoxJson box)
    {
        static DetectionJson of(Detection d)
        {
            return new DetectionJson(null, d.classId(), d.className(), d.score(), new BoxJson(d.box().xMin(), d.box().yMin(), d.box().xMax(), d.box().yMax()));
        }

        static DetectionJson of(BoxRecord b)
        {
            return new DetectionJson(b.id(), b.classId(), b.className(), b.score(), new BoxJson(b.xMin(), b.yMin(), b.xMax(), b.yMax()));
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ImageJson(String sha256, Integer width, Integer height, String fileName, String mediaType, Long sizeBytes, String url) {}

    record ModelJson(String name, String version) {}

    record ThresholdsJson(double confidence, double nmsIou) {}

    /** {@code review} is the latest review of the inference, null (and present) while nobody has reviewed it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record InferenceResponse(long inferenceId, Instant createdAt, ImageJson image, ModelJson model, ThresholdsJson thresholds,
            double durationMs, String user, List<DetectionJson> detections, List<DetectionJson> candidates,
            @JsonInclude(JsonInclude.Include.ALWAYS) ReviewResponse review)
    {
        InferenceResponse withCandidates(List<DetectionJson> all, double durationMs)
        {
            return new InferenceResponse(inferenceId, createdAt, image, model, thresholds, durationMs, user, detections, all, review);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record InferenceListItem(long inferenceId, Instant createdAt, ImageJson image, ModelJson model, double durationMs, String user, int detectionCount) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record InferenceList(List<InferenceListItem> items, String next) {}

    static ImageJson image(ImageRecord image)
    {
        return new ImageJson(image.sha256(), image.width(), image.height(), image.originalFileName(), image.mediaType().mimeType(),
                image.sizeBytes(), "/api/v1/images/" + image.sha256());
    }

    static InferenceResponse of(StoredInference s, Optional<StoredReview> latestReview)
    {
        InferenceRecord i = s.inference();
        return new InferenceResponse(i.id(), i.createdAt(), image(s.image()), new ModelJson(i.modelName(), i.modelVersion()),
                new ThresholdsJson(i.confidenceThreshold(), i.nmsIouThreshold()), i.durationMillis(), i.userName().orElse(null),
                s.boxes().stream().map(DetectionJson::of).toList(), null, latestReview.map(ReviewJson::of).orElse(null));
    }

    static InferenceListItem of(InferenceSummary s)
    {
        return new InferenceListItem(s.id(), s.createdAt(),
                new ImageJson(s.sha256(), null, null, s.originalFileName(), null, null, "/api/v1/images/" + s.sha256()),
                new ModelJson(s.modelName(), s.modelVersion()), s.durationMillis(), s.userName().orElse(null), s.boxCount());
    }
}
