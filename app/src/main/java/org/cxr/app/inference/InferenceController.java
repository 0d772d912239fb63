package org.cxr.app.inference;

import jakarta.servlet.http.HttpServletRequest;
import org.cxr.app.audit.Audit;
import org.cxr.app.inference.InferenceJson.DetectionJson;
import org.cxr.app.inference.InferenceJson.InferenceList;
import org.cxr.app.inference.InferenceJson.InferenceResponse;
import org.cxr.app.security.Caller;
import org.cxr.lake.InferenceFilter;
import org.cxr.lake.InferencePage;
import org.cxr.lake.Lake;
import org.cxr.lake.PageCursor;
import org.cxr.lake.PageRequest;
import org.cxr.lake.StoredInference;
import org.cxr.lake.errors.InvalidInputException;
import org.cxr.lake.errors.NotFoundException;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Upload an image for detection, and read past inferences. A radiologist sees every result; an uploader sees their
 * own, and another's is answered as if it did not exist.
 */
@RestController
class InferenceController
{
    private static final int MAX_PAGE = 200;
    private static final Instant EARLIEST = Instant.parse("1000-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");
    private static final Pattern DECIMAL = Pattern.compile("(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    private final InferenceService service;
    private final Lake lake;
    private final Audit audit;

    InferenceController(InferenceService service, Lake lake, Audit audit)
    {
        this.service = requireNonNull(service, "service");
        this.lake = requireNonNull(lake, "lake");
        this.audit = requireNonNull(audit, "audit");
    }

    @PostMapping(path = "/api/v1/inferences", consumes = "multipart/form-data")
    ResponseEntity<InferenceResponse> create(
            Authentication authentication,
            HttpServletRequest request,
            @RequestParam(name = "confidence", required = false) String confidence,
            @RequestParam(name = "nmsIou", required = false) String nmsIou,
            @RequestParam(name = "candidates", defaultValue = "false") boolean candidates)
    {
        UploadedFile image = UploadedFile.of(request);
        InferenceService.Outcome outcome = service.infer(new InferenceService.Request(
                        image.bytes(), image.fileName(), image.contentType(),
                        threshold("confidence", confidence), threshold("nmsIou", nmsIou), Optional.of(authentication.getName())),
                // The audit row commits with the upload's rows: an upload is stored and audited, or neither.
                written -> audit.success("inference.upload", "inference/" + written.inferenceId(), "image " + written.sha256()));
        // The answer is what the transaction wrote, not a second read of it.
        StoredInference stored = outcome.stored().stored();
        // A new inference has no review yet.
        InferenceResponse body = InferenceJson.of(stored, Optional.empty());
        if (candidates) {
            body = body.withCandidates(outcome.candidates().stream().map(DetectionJson::of).toList(), outcome.result().durationMillis());
        }
        return ResponseEntity.created(URI.create("/api/v1/inferences/" + stored.id())).body(body);
    }

    @GetMapping("/api/v1/inferences/{id}")
    InferenceResponse get(Authentication authentication, @PathVariable("id") long id)
    {
        StoredInference inference = lake.inference(id)
                .filter(found -> Caller.of(authentication).maySee(found.inference().userName()))
                .orElseThrow(() -> new NotFoundException("No inference with id " + id + "."));
        audit.success("inference.view", "inference/" + id);
        return InferenceJson.of(inference, lake.latestReview(id));
    }

    @GetMapping("/api/v1/inferences")
    InferenceList list(
            Authentication authentication,
            @RequestParam(name = "limit", defaultValue = "50") int limit,
            @RequestParam(name = "after", required = false) String after,
            @RequestParam(name = "from", required = false) String from,
            @RequestParam(name = "to", required = false) String to,
            @RequestParam(name = "classId", required = false) Integer classId,
            @RequestParam(name = "minScore", required = false) Double minScore)
    {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new InvalidInputException("bad_parameter", "limit must be between 1 and " + MAX_PAGE + ".");
        }
        Caller caller = Caller.of(authentication);
        InferenceFilter filter = caller.seesAll() ? InferenceFilter.ALL : InferenceFilter.ALL.withUserName(caller.username());
        if (from != null) {
            filter = filter.withFrom(instant("from", from));
        }
        if (to != null) {
            filter = filter.withTo(instant("to", to));
        }
        if (classId != null) {
            filter = filter.withClassId(classId);
        }
        if (minScore != null) {
            if (!(minScore >= 0 && minScore <= 1)) {
                throw new InvalidInputException("bad_parameter", "minScore must be between 0 and 1.");
            }
            filter = filter.withMinScore(minScore);
        }
        PageRequest page = PageRequest.first(limit);
        if (after != null && !after.isBlank()) {
            try {
                PageCursor cursor = PageCursor.decode(after);
                if (!storable(cursor.createdAt())) {
                    throw new IllegalArgumentException("cursor time out of range");
                }
                page = page.next(cursor);
            }
            catch (IllegalArgumentException e) {
                throw new InvalidInputException("bad_parameter", "after is not a cursor this API returned.");
            }
        }
        InferencePage result = lake.inferences(filter, page);
        audit.success("inference.list", null, result.items().size() + " results" + (caller.seesAll() ? "" : " (own uploads)") + ": "
                + result.items().stream().map(item -> String.valueOf(item.id())).collect(java.util.stream.Collectors.joining(",")));
        return new InferenceList(result.items().stream().map(InferenceJson::of).toList(), result.next().map(PageCursor::encode).orElse(null));
    }

    /**
     * A threshold as a plain decimal number (0.35, .5, 5e-1), or null when absent. Java's own parser, which Spring
     * would use, also takes "-0" (stored as -0.0), hexadecimal ("0x1p-3"), type suffixes ("0.5d") and trailing control
     * characters; none of that is a number a client means to send.
     */
    private static Double threshold(String name, String value)
    {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.strip();
        if (!DECIMAL.matcher(trimmed).matches()) {
            throw new InvalidInputException("bad_parameter", "Parameter '" + name + "' must be a decimal number such as 0.5.");
        }
        return Double.parseDouble(trimmed);
    }

    private static Instant instant(String name, String value)
    {
        Instant instant;
        try {
            instant = Instant.parse(value);
        }
        catch (DateTimeParseException e) {
            throw new InvalidInputException("bad_parameter",
                    name + " must be an ISO-8601 instant such as 2026-01-31T12:00:00Z.");
        }
        if (!storable(instant)) {
            throw new InvalidInputException("bad_parameter",
                    name + " must be between " + EARLIEST + " and " + LATEST + ".");
        }
        return instant;
    }

    /**
     * Instant.parse takes years up to a billion, which fail when bound to SQL (an error, not an empty page): keep to
     * what both databases store (MySQL's DATETIME spans the years 1000 to 9999).
     */
    private static boolean storable(Instant instant)
    {
        return !instant.isBefore(EARLIEST) && !instant.isAfter(LATEST);
    }
}
