package org.cxr.app.pipeline;

import org.cxr.lake.errors.NotFoundException;
import org.cxr.lake.errors.InvalidInputException;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.cxr.app.audit.Audit;
import org.cxr.lake.pipeline.PipelineRun;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Start pipeline runs and read the run history. */
@RestController
class PipelineController
{
    private final PipelineService pipelines;
    private final Reconciliation reconciliation;
    private final Audit audit;

    PipelineController(PipelineService pipelines, Reconciliation reconciliation, Audit audit)
    {
        this.pipelines = requireNonNull(pipelines, "pipelines");
        this.reconciliation = requireNonNull(reconciliation, "reconciliation");
        this.audit = requireNonNull(audit, "audit");
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RunJson(long runId, String stage, String trigger, String status, Instant startedAt, Instant finishedAt, int attempts,
            Long rowsRead, Long rowsWritten, String detail, String error)
    {
        static RunJson of(PipelineRun run)
        {
            return new RunJson(run.id(), run.stage(), run.trigger(), run.status().name(), run.startedAt(), run.finishedAt().orElse(null),
                    run.attempts(), run.rowsRead().orElse(null), run.rowsWritten().orElse(null), run.detail().orElse(null), run.error().orElse(null));
        }
    }

    record RunList(List<RunJson> items) {}

    @PostMapping("/api/v1/pipelines/{stage}/runs")
    ResponseEntity<RunJson> start(@PathVariable("stage") String stage)
    {
        PipelineRun run = pipelines.start(Stage.of(stage), "api");
        // A data mart run is the export: it copies images and their findings out to the on-premise folder.
        audit.success("pipeline." + run.stage() + ".start", "run/" + run.id());
        return ResponseEntity.accepted().location(URI.create("/api/v1/pipelines/runs/" + run.id())).body(RunJson.of(run));
    }

    @GetMapping("/api/v1/pipelines/runs/{id}")
    RunJson get(@PathVariable("id") long id)
    {
        return pipelines.runs().find(id).map(RunJson::of).orElseThrow(() -> new NotFoundException("No pipeline run with id " + id + "."));
    }

    record ReconciliationJson(boolean consistent, List<String> lines, List<String> notes, List<String> differences, Map<String, Map<String, Long>> counts) {}

    /** What each layer holds compared with the database: what {@code ./cxr reconcile} prints. */
    @GetMapping("/api/v1/pipelines/reconciliation")
    ReconciliationJson reconcile()
    {
        Reconciliation.Report report = reconciliation.run();
        audit.success("pipeline.reconcile", null, report.differences().size() + " difference(s)");
        return new ReconciliationJson(report.consistent(), report.lines(), report.notes(), report.differences(), report.counts());
    }

    @GetMapping("/api/v1/pipelines/runs")
    RunList list(@RequestParam(name = "stage", required = false) String stage, @RequestParam(name = "limit", defaultValue = "50") int limit)
    {
        if (limit < 1 || limit > 500) {
            throw new InvalidInputException("bad_parameter", "limit must be between 1 and 500.");
        }
        Optional<String> filter = Optional.ofNullable(stage).map(s -> Stage.of(s).id());
        return new RunList(pipelines.runs().recent(filter, limit).stream().map(RunJson::of).toList());
    }
}
