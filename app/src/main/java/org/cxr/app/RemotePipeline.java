package org.cxr.app;

import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Asks a running cxr server to run a stage and waits for the run's end: what the CLI does when the server already
 * holds the embedded data directory (and what an orchestrator such as Airflow does).
 */
final class RemotePipeline
{
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI server;
    private final String authorization;

    RemotePipeline(URI server, String token)
    {
        this.server = server;
        this.authorization = "Bearer " + token;
    }

    /** Starts the run and polls it; returns the finished run as the API describes it. */
    JsonNode runAndWait(String stage)
            throws IOException, InterruptedException
    {
        HttpResponse<String> started = client.send(HttpRequest.newBuilder(server.resolve("/api/v1/pipelines/" + stage + "/runs"))
                .header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode run = Json.MAPPER.readTree(started.body());
        if (started.statusCode() != 202) {
            throw new IllegalStateException("The server at " + server + " refused the run: " + run.path("message").asString(started.body()));
        }
        long id = run.get("runId").asLong();
        while ("RUNNING".equals(run.get("status").asString())) {
            Thread.sleep(1000);
            HttpResponse<String> polled = client.send(HttpRequest.newBuilder(server.resolve("/api/v1/pipelines/runs/" + id))
                            .header("Authorization", authorization).build(),
                    HttpResponse.BodyHandlers.ofString());
            run = Json.MAPPER.readTree(polled.body());
        }
        return run;
    }
}
