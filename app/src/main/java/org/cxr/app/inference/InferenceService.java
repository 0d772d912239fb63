package org.cxr.app.inference;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.cxr.app.server.BadRequestException;
import org.cxr.app.server.CxrProperties;
import org.cxr.app.server.StoreUnavailableException;
import org.cxr.detector.Detection;
import org.cxr.detector.DetectionResult;
import org.cxr.detector.Detector;
import org.cxr.detector.Thresholds;
import org.cxr.detector.image.DecodedImage;
import org.cxr.detector.image.ImageDecoder;
import org.cxr.detector.image.ImageRejectedException;
import org.cxr.detector.postprocess.DetectionFilter;
import org.cxr.lake.IngestResult;
import org.cxr.lake.InferenceRecord;
import org.cxr.lake.Lake;
import org.cxr.lake.MediaType;
import org.cxr.lake.PredictedBox;
import org.cxr.lake.Upload;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.CannotCreateTransactionException;
import software.amazon.awssdk.core.exception.SdkException;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One upload end to end: check the file, run the detector, and load the image and its predictions into the lake
 * (the bytes to S3 first, then one metadata transaction). Nothing is stored for a file that is refused.
 */
@Service
public class InferenceService
{
    /** Boxes down to this score travel back to the page so it can lower the threshold without a new upload. */
    static final double CANDIDATE_FLOOR = 0.05;

    private final Detector detector;
    private final Lake lake;
    private final long maxBytes;
    private final MeterRegistry metrics;
    private final Timer inferenceTimer;

    public InferenceService(Detector detector, Lake lake, CxrProperties properties, MeterRegistry metrics)
    {
        this.detector = requireNonNull(detector, "detector");
        this.lake = requireNonNull(lake, "lake");
        this.maxBytes = properties.upload().maxBytes();
        this.metrics = requireNonNull(metrics, "metrics");
        this.inferenceTimer = Timer.builder("cxr.inference.duration")
                .description("Time the detector takes for one image, decode to boxes")
                .publishPercentileHistogram()
                .register(metrics);
    }

    /** What a request asks for: the file, its declared type and name, and optional thresholds. */
    public record Request(byte[] bytes, String fileName, String contentType, Double confidence, Double nmsIou, Optional<String> user) {}

    /** The stored inference, and (for the page) every box above the candidate floor before NMS. */
    public record Outcome(IngestResult stored, DecodedImage image, DetectionResult result, List<Detection> candidates, String fileName, MediaType mediaType) {}

    public Outcome infer(Request request)
    {
        try {
            Outcome outcome = inferChecked(request);
            metrics.counter("cxr.uploads", "outcome", "stored").increment();
            return outcome;
        }
        catch (ImageRejectedException e) {
            countError("image_" + e.reason().name().toLowerCase(java.util.Locale.ROOT));
            throw e;
        }
        catch (BadRequestException e) {
            countError(e.error());
            throw e;
        }
        catch (StoreUnavailableException e) {
            countError("storage_unavailable");
            throw e;
        }
    }

    private Outcome inferChecked(Request request)
    {
        byte[] bytes = request.bytes();
        if (bytes.length == 0) {
            throw new BadRequestException(HttpStatus.BAD_REQUEST, "empty_upload", "The uploaded file is empty.");
        }
        if (bytes.length > maxBytes) {
            throw new BadRequestException(HttpStatus.CONTENT_TOO_LARGE, "upload_too_large",
                    "The file is %d bytes; at most %d are accepted.".formatted(bytes.length, maxBytes));
        }
        MediaType declared = declaredType(request.contentType());
        String sniffed = ImageDecoder.sniffFormat(bytes);
        if (sniffed == null) {
            throw new ImageRejectedException(ImageRejectedException.Reason.UNSUPPORTED_FORMAT, "Not a PNG or JPEG image.");
        }
        MediaType actual = sniffed.equals("png") ? MediaType.PNG : MediaType.JPEG;
        if (declared != null && declared != actual) {
            throw new BadRequestException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "content_type_mismatch",
                    "The file was sent as " + declared.mimeType() + " but its content is " + actual.mimeType() + ".");
        }
        Thresholds defaults = detector.defaultThresholds();
        Thresholds thresholds = new Thresholds(
                request.confidence() == null ? defaults.confidence() : request.confidence(),
                request.nmsIou() == null ? defaults.nmsIou() : request.nmsIou());

        long start = System.nanoTime();
        DecodedImage image = detector.decode(bytes);
        // One run with a low floor and no suppression gives the page its candidates; the stored result is those
        // candidates filtered with the caller's thresholds.
        DetectionResult loose = detector.detect(image, new Thresholds(Math.min(CANDIDATE_FLOOR, thresholds.confidence()), 1.0));
        List<Detection> detections = DetectionFilter.apply(loose.detections(), thresholds);
        long nanos = System.nanoTime() - start;
        inferenceTimer.record(java.time.Duration.ofNanos(nanos));
        DetectionResult result = new DetectionResult(image.width(), image.height(), loose.modelName(), loose.modelVersion(),
                thresholds, detections, nanos);

        String fileName = request.fileName() == null || request.fileName().isBlank() ? "upload." + actual.extension() : request.fileName();
        InferenceRecord record = new InferenceRecord(thresholds.confidence(), thresholds.nmsIou(), result.modelName(), result.modelVersion(),
                Math.round(result.durationMillis()), request.user(), detections.stream().map(InferenceService::box).toList());
        IngestResult stored;
        try {
            stored = lake.ingest(new Upload(bytes, fileName, actual, image.width(), image.height()), record);
        }
        catch (DataAccessException | CannotCreateTransactionException e) {
            throw new StoreUnavailableException("The database is unavailable; the upload was not stored. Try again shortly.", e);
        }
        catch (SdkException | java.io.UncheckedIOException e) {
            throw new StoreUnavailableException("The image store is unavailable; the upload was not stored. Try again shortly.", e);
        }
        return new Outcome(stored, image, result, loose.detections(), fileName, actual);
    }

    private void countError(String kind)
    {
        metrics.counter("cxr.upload.errors", "kind", kind).increment();
        metrics.counter("cxr.uploads", "outcome", "rejected").increment();
    }

    private static MediaType declaredType(String contentType)
    {
        if (contentType == null || contentType.isBlank() || contentType.startsWith("application/octet-stream")) {
            return null; // nothing declared: the bytes decide
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        return switch (type) {
            case "image/png" -> MediaType.PNG;
            case "image/jpeg", "image/jpg" -> MediaType.JPEG;
            default -> throw new BadRequestException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                    "Only PNG and JPEG images are accepted, not " + type + ".");
        };
    }

    private static PredictedBox box(Detection d)
    {
        return new PredictedBox(d.classId(), d.className(), d.score(), d.box().xMin(), d.box().yMin(), d.box().xMax(), d.box().yMax());
    }
}
