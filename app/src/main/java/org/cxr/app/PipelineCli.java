package org.cxr.app;

import org.cxr.app.audit.Audit;
import org.cxr.app.audit.AuditEvent.Outcome;
import org.cxr.app.pipeline.PipelineContext;
import org.cxr.app.pipeline.PipelineService;
import org.cxr.app.pipeline.Stage;
import org.cxr.lake.pipeline.PipelineRun;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

import org.cxr.app.security.LocalCliToken;
import org.springframework.core.env.StandardEnvironment;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * How the pipeline commands run: in this process on the configured stores (a lean context: no web server, no model),
 * or, when a running server holds the embedded data directory, by asking that server over HTTP.
 */
final class PipelineCli
{
    private PipelineCli() {}

    static <T> T withContext(List<String> properties, Function<ConfigurableApplicationContext, T> work)
    {
        // The caller's settings go in as command-line arguments: they must win over application.yaml and the environment.
        String[] overrides = properties.stream().map(p -> "--" + p).toArray(String[]::new);
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(PipelineContext.class)
                .web(WebApplicationType.NONE)
                .properties("spring.main.banner-mode=off", "logging.level.root=WARN", "management.endpoint.health.validate-group-membership=false")
                .run(overrides)) {
            return work.apply(context);
        }
    }

    static boolean dataDirectoryInUse(Throwable e)
    {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("is in use by another cxr process")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The token to show the running server: CXR_API_TOKEN if set, else the one the server wrote into the data directory
     * for the CLI of its own machine.
     */
    static String token(List<String> properties)
    {
        String configured = System.getenv("CXR_API_TOKEN");
        if (configured != null && !configured.isBlank()) {
            return configured.strip();
        }
        StandardEnvironment environment = new StandardEnvironment();
        String dataDirectory = properties.stream().filter(p -> p.startsWith("cxr.data-directory=")).map(p -> p.substring(p.indexOf('=') + 1)).findFirst()
                .orElseGet(() -> environment.resolvePlaceholders("${cxr.data-directory:${CXR_DATA_DIR:./data}}"));
        return LocalCliToken.read(Path.of(dataDirectory)).orElseThrow(() -> new IllegalStateException(
                "A server holds the data directory " + dataDirectory + " but left no token for the CLI in it; set CXR_API_TOKEN to a personal API token."));
    }

    static URI defaultServer()
    {
        String port = System.getenv().getOrDefault("SERVER_PORT", "8080");
        return URI.create("http://localhost:" + port);
    }

    /** Runs a stage here, or on the running server; prints the run and returns the exit status. */
    static int runStage(Stage stage, List<String> properties, URI server)
    {
        try {
            PipelineRun run = withContext(properties, context -> {
                PipelineRun finished = context.getBean(PipelineService.class).runAndWait(stage, "cli");
                context.getBean(Audit.class).record("cli:" + System.getProperty("user.name"), "pipeline." + stage.id() + ".run", "run/" + finished.id(),
                        finished.status() == PipelineRun.Status.SUCCEEDED ? Outcome.SUCCESS : Outcome.FAILURE, null, null);
                return finished;
            });
            System.out.println(stage.id() + " run " + run.id() + ": " + run.status()
                    + run.detail().map(d -> " " + d).orElse("") + run.error().map(e -> " " + e).orElse(""));
            return run.status() == PipelineRun.Status.SUCCEEDED ? 0 : 1;
        }
        catch (RuntimeException e) {
            if (!dataDirectoryInUse(e)) {
                throw e;
            }
            System.err.println("cxr: a server holds the data directory; asking it at " + server + " to run " + stage.id() + "...");
            try {
                JsonNode run = new RemotePipeline(server, token(properties)).runAndWait(stage.id());
                System.out.println(stage.id() + " run " + run.get("runId").asLong() + ": " + run.get("status").asString()
                        + " " + run.path("detail").asString("") + " " + run.path("error").asString(""));
                return "SUCCEEDED".equals(run.get("status").asString()) ? 0 : 1;
            }
            catch (java.io.IOException ex) {
                throw new IllegalStateException("A server holds the data directory but cannot be reached at " + server
                        + " (" + ex.getMessage() + "). Pass --server URL, or stop the server and run the command again.", ex);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", ex);
            }
        }
    }
}
