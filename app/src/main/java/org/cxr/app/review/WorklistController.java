package org.cxr.app.review;

import org.cxr.app.audit.Audit;
import org.cxr.app.server.CxrProperties;
import org.cxr.lake.Lake;
import org.cxr.lake.WorklistEntry;
import org.cxr.lake.errors.InvalidInputException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * What radiologists review next: unreviewed inferences, the most abnormal first (highest box score), except that one
 * waiting longer than {@code cxr.review.max-wait} goes before all of those, oldest first, so that priority never
 * starves a study.
 */
@RestController
class WorklistController
{
    private static final int MAX_PAGE = 200;

    record ImageJson(String sha256, int width, int height, String fileName, String url, String thumbnailUrl) {}

    record ModelJson(String name, String version) {}

    record WorklistItem(long inferenceId, Instant createdAt, ImageJson image, ModelJson model, String user, double score, int boxes, boolean overdue,
            long waitingSeconds) {}

    record Worklist(List<WorklistItem> items, long maxWaitSeconds) {}

    private final Lake lake;
    private final Audit audit;
    private final Duration maxWait;
    private final Clock clock;

    WorklistController(Lake lake, Audit audit, CxrProperties properties)
    {
        this.lake = requireNonNull(lake, "lake");
        this.audit = requireNonNull(audit, "audit");
        this.maxWait = properties.review().maxWait();
        this.clock = Clock.systemUTC();
    }

    @GetMapping("/api/v1/reviews/worklist")
    Worklist worklist(@RequestParam(name = "limit", defaultValue = "50") int limit)
    {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new InvalidInputException("bad_parameter", "limit must be between 1 and " + MAX_PAGE + ".");
        }
        Instant now = clock.instant();
        List<WorklistItem> items = lake.worklist(limit, maxWait).stream().map(entry -> item(entry, now)).toList();
        audit.success("review.worklist", null, items.size() + " waiting: "
                + items.stream().map(item -> String.valueOf(item.inferenceId())).collect(Collectors.joining(",")));
        return new Worklist(items, maxWait.toSeconds());
    }

    private static WorklistItem item(WorklistEntry entry, Instant now)
    {
        String url = "/api/v1/images/" + entry.image().sha256();
        return new WorklistItem(entry.inferenceId(), entry.createdAt(),
                new ImageJson(entry.image().sha256(), entry.image().width(), entry.image().height(), entry.image().originalFileName(), url, url + "/thumbnail"),
                new ModelJson(entry.inference().modelName(), entry.inference().modelVersion()), entry.inference().userName().orElse(null),
                entry.score(), entry.boxes(), entry.overdue(), Math.max(0, Duration.between(entry.createdAt(), now).toSeconds()));
    }
}
