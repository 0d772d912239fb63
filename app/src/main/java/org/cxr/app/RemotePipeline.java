package org.cxr.app;

import org.cxr.lake.errors.ConflictException;
import org.cxr.lake.errors.UnavailableException;
import org.cxr.lake.pipeline.PipelineRun;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Asks a running cxr server to do what a pipeline command does: run a stage and wait for the run's end, or compare
 * the layers. What the CLI does when the server already holds the embedded data directory (and what an orchestrator
 * such as Airflow does).
 */
final class RemotePipeline
{
    private static final Duration POLL = Duration.ofSeconds(1);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI server;
    private final String authorization;

    RemotePipeline(URI server, String token)
    {
        this.server = requireNonNull(server, "server");
        this.authorization = "Bearer " + requireNonNull(token, "token");
    }

    /** A finished run as the API describes it. */
    record Run(long runId, PipelineRun.Status status, Optional<String> detail, Optional<String> error) {}

    /** The comparison of the layers as the server made it. */
    record Reconciliation(List<String> lines, List<String> notes, List<String> differences) {}

    URI server()
    {
        return server;
    }

    /** Starts the run and polls it until it ends. */
    Run runAndWait(String stage)
    {
        HttpResponse<String> started = send(HttpRequest.newBuilder(server.resolve("/api/v1/pipelines/" + stage + "/runs"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        JsonNode run = answer(started, 202, "run " + stage);
        long id = run.get("runId").asLong();
        while ("RUNNING".equals(run.get("status").asString())) {
            sleep();
            run = answer(send(HttpRequest.newBuilder(server.resolve("/api/v1/pipelines/runs/" + id))), 200, "run " + id);
        }
        return new Run(id, PipelineRun.Status.valueOf(run.get("status").asString()), text(run, "detail"), text(run, "error"));
    }

    Reconciliation reconcile()
    {
        JsonNode report = answer(send(HttpRequest.newBuilder(server.resolve("/api/v1/pipelines/reconciliation"))), 200, "reconcile");
        return new Reconciliation(strings(report, "lines"), strings(report, "notes"), strings(report, "differences"));
    }

    private HttpResponse<String> send(HttpRequest.Builder request)
    {
        try {
            return client.send(request.header("Authorization", authorization).header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (IOException e) {
            throw new UnavailableException("A server holds the data directory but cannot be reached at " + server + " (" + e.getMessage()
                    + "). Pass --server URL, or stop the server and run the command again.", e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + server, e);
        }
    }

    private JsonNode answer(HttpResponse<String> response, int expected, String what)
    {
        JsonNode body = Json.MAPPER.readTree(response.body());
        if (response.statusCode() != expected) {
            throw new ConflictException("server_refused", "The server at " + server + " refused to " + what + " (" + response.statusCode() + "): "
                    + body.path("message").asString(response.body()));
        }
        return body;
    }

    private static Optional<String> text(JsonNode node, String field)
    {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asString());
    }

    private static List<String> strings(JsonNode node, String field)
    {
        List<String> values = new ArrayList<>();
        node.path(field).forEach(value -> values.add(value.asString()));
        return List.copyOf(values);
    }

    private static void sleep()
    {
        try {
            Thread.sleep(POLL.toMillis());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a run", e);
        }
    }
}
