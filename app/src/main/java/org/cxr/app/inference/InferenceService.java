package org.cxr.app.inference;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.cxr.app.image.Thumbnails;
import org.cxr.app.server.CxrProperties;
import org.cxr.detector.Detection;
import org.cxr.detector.DetectionBatcher;
import org.cxr.detector.DetectionResult;
import org.cxr.detector.Detector;
import org.cxr.detector.Thresholds;
import org.cxr.detector.postprocess.DetectionFilter;
import org.cxr.imaging.DecodedImage;
import org.cxr.imaging.ImageRejectedException;
import org.cxr.lake.IdentifiedImage;
import org.cxr.lake.IngestResult;
import org.cxr.lake.Lake;
import org.cxr.lake.MediaType;
import org.cxr.lake.NewInference;
import org.cxr.lake.PredictedBox;
import org.cxr.lake.StagedImage;
import org.cxr.lake.errors.DomainException;
import org.cxr.lake.errors.InvalidInputException;
import org.cxr.lake.errors.TooLargeException;
import org.cxr.lake.errors.UnsupportedContentException;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * One upload end to end: check and decode the file, run the model while the bytes go to S3, then load the image and
 * its predictions into the lake in one metadata transaction (with the audit row). Nothing is stored for a file that is
 * refused: every refusal comes before the bytes are written.
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
    private final Thumbnails thumbnails;
    private final DetectionBatcher batcher;
    private final Executor storing;

    public InferenceService(Detector detector, DetectionBatcher batcher, Lake lake, Thumbnails thumbnails, CxrProperties properties, MeterRegistry metrics,
            @Qualifier("uploadStoringThreads") Executor storing)
    {
        this.detector = requireNonNull(detector, "detector");
        this.batcher = requireNonNull(batcher, "batcher");
        this.lake = requireNonNull(lake, "lake");
        this.thumbnails = requireNonNull(thumbnails, "thumbnails");
        this.storing = requireNonNull(storing, "storing");
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

    /**
     * Checks, detects and stores the upload; {@code alsoInTransaction} runs in the transaction that stores its rows (the
     * upload's audit row), so that both are committed or neither is.
     */
    public Outcome infer(Request request, Consumer<IngestResult> alsoInTransaction)
    {
        try {
            Outcome outcome = inferChecked(request, alsoInTransaction);
            metrics.counter("cxr.uploads", "outcome", "stored").increment();
            return outcome;
        }
        catch (ImageRejectedException e) {
            countError(e.reason().code());
            throw e;
        }
        catch (DomainException e) {
            countError(e.code());
            throw e;
        }
    }

    private Outcome inferChecked(Request request, Consumer<IngestResult> alsoInTransaction)
    {
        byte[] bytes = request.bytes();
        if (bytes.length == 0) {
            throw new InvalidInputException("empty_upload", "The uploaded file is empty.");
        }
        if (bytes.length > maxBytes) {
            throw new TooLargeException("upload_too_large", "The file is %d bytes; at most %d are accepted.".formatted(bytes.length, maxBytes));
        }
        MediaType declared = declaredType(request.contentType());
        MediaType actual = MediaType.of(bytes)
                .orElseThrow(() -> new ImageRejectedException(ImageRejectedException.Reason.UNSUPPORTED_FORMAT, "Not a PNG or JPEG image."));
        if (declared != null && declared != actual) {
            throw new UnsupportedContentException("content_type_mismatch",
                    "The file was sent as " + declared.mimeType() + " but its content is " + actual.mimeType() + ".");
        }
        String fileName = UploadedFile.checkedName(request.fileName());
        Thresholds thresholds = thresholds(request.confidence(), request.nmsIou());
        try (DetectionBatcher.Ticket ticket = batcher.expect()) {
            long start = System.nanoTime();
            // Hashing and the look-up of the image store nothing: they run while the file decodes.
            CompletableFuture<IdentifiedImage> identified = CompletableFuture.supplyAsync(() -> lake.identify(bytes), storing);
            // Upright, with the model's intensities, and for a large image at reduced size: what the model needs, no more.
            // A file the decoder refuses is refused here, before anything is stored.
            DecodedImage image = detector.decodeForDetection(bytes);
            // The object's write needs nothing the model finds: it runs while the model works. The object has no row
            // until the transaction below, so readers never see it before it is complete.
            CompletableFuture<StagedImage> staged = identified.thenApplyAsync(found -> lake.stage(found, bytes, actual), storing);
            // One run with a low floor and no suppression gives the page its candidates; the stored result is those
            // candidates filtered with the caller's thresholds.
            DetectionResult loose = batcher.detect(image, new Thresholds(Math.min(CANDIDATE_FLOOR, thresholds.confidence()), 1.0));
            ticket.close();
            List<Detection> detections = DetectionFilter.apply(loose.detections(), thresholds);
            long nanos = System.nanoTime() - start;
            inferenceTimer.record(java.time.Duration.ofNanos(nanos));
            DetectionResult result = new DetectionResult(image.width(), image.height(), loose.modelName(), loose.modelVersion(),
                    thresholds, detections, nanos);

            NewInference record = new NewInference(thresholds.confidence(), thresholds.nmsIou(), result.modelName(), result.modelVersion(),
                    Math.round(result.durationMillis()), request.user(), detections.stream().map(InferenceService::box).toList());
            IngestResult stored = lake.ingest(await(staged), fileName, image.width(), image.height(), record, alsoInTransaction);
            // The page asks for the thumbnail right after the answer; it is made off the request's path.
            thumbnails.remember(stored.sha256(), image, storing);
            return new Outcome(stored, image, result, loose.detections(), fileName, actual);
        }
    }

    /** The staged object, or the reason it could not be stored (the object store is unavailable, say). */
    private static StagedImage await(CompletableFuture<StagedImage> staged)
    {
        try {
            return staged.join();
        }
        catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** The caller's thresholds, or the model's defaults for those not given. */
    private Thresholds thresholds(Double confidence, Double nmsIou)
    {
        Thresholds defaults = detector.defaultThresholds();
        double c = confidence == null ? defaults.confidence() : confidence;
        double n = nmsIou == null ? defaults.nmsIou() : nmsIou;
        if (!(c >= 0 && c <= 1)) {
            throw new InvalidInputException("bad_parameter", "The confidence threshold must be between 0 and 1.");
        }
        if (!(n > 0 && n <= 1)) {
            throw new InvalidInputException("bad_parameter", "The NMS IoU threshold (nmsIou) must be greater than 0 and at most 1.");
        }
        return new Thresholds(c, n);
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
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return switch (type) {
            case "image/png" -> MediaType.PNG;
            case "image/jpeg", "image/jpg" -> MediaType.JPEG;
            default -> throw new UnsupportedContentException("unsupported_media_type", "Only PNG and JPEG images are accepted, not " + type + ".");
        };
    }

    private static PredictedBox box(Detection d)
    {
        return new PredictedBox(d.classId(), d.className(), d.score(), d.box().xMin(), d.box().yMin(), d.box().xMax(), d.box().yMax());
    }
}
