package org.cxr.app.server;

import org.cxr.app.TestModels;
import org.cxr.app.TestUsers;
import org.cxr.phantom.PhantomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Everything an upload stored is still there after the application (and its embedded servers) restart, and so are the
 * users and their tokens.
 */
class RestartTest
{
    private final HttpClient client = HttpClient.newHttpClient();

    private static ConfigurableApplicationContext start(Path dataDir, String adminPassword)
    {
        return new SpringApplicationBuilder(CxrApplication.class).run(
                "--server.port=0",
                "--" + TestUsers.ADMIN_PASSWORD_PROPERTY + "=" + adminPassword,
                "--cxr.data-directory=" + dataDir,
                "--cxr.embedded.postgres-port=0",
                "--cxr.embedded.s3-port=0",
                "--cxr.pipelines.warehouse.embedded-port=0",
                "--cxr.model.directory=" + TestModels.DEMO_MODEL);
    }

    private static int port(ConfigurableApplicationContext context)
    {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    @Test
    void uploadsSurviveARestartOnTheSameDataDirectory(@TempDir Path dataDir)
            throws Exception
    {
        byte[] png = InferenceApiTest.phantomPng(PhantomGenerator.imageSeed(31, 1));
        long id;
        String sha256;
        String token;
        try (ConfigurableApplicationContext first = start(dataDir, TestUsers.ADMIN_PASSWORD)) {
            token = TestUsers.bearer(port(first), "rita", "radiologist");
            HttpResponse<String> created = new Multipart().file("image", "kept.png", "image/png", png)
                    .post(client, URI.create("http://localhost:" + port(first) + "/api/v1/inferences"), token);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            JsonNode body = JsonMapper.builder().build().readTree(created.body());
            id = body.get("inferenceId").asLong();
            sha256 = body.get("image").get("sha256").asString();
        }

        // The admin password setting counts on the first start only: the admin keeps the password they had.
        try (ConfigurableApplicationContext second = start(dataDir, "another-password-entirely")) {
            String base = "http://localhost:" + port(second);
            HttpResponse<String> inference = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/inferences/" + id))
                            .header("Authorization", token).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(inference.statusCode()).isEqualTo(200);
            assertThat(inference.body()).contains("kept.png");
            HttpResponse<byte[]> image = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/images/" + sha256))
                            .header("Authorization", token).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(image.body()).isEqualTo(png);
            HttpResponse<String> users = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/users"))
                    .header("Authorization", TestUsers.adminBasic()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(users.statusCode()).isEqualTo(200);
            assertThat(TestUsers.json(users).get("items")).hasSize(2);
        }
    }
}
