package org.cxr.app.deploy;

import org.cxr.app.TestServer;
import org.cxr.app.TestUsers;
import org.cxr.app.server.CxrApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Airflow DAGs' HTTP calls (deploy/airflow/dags/cxr_client.py, the functions the DAG tasks run) against this
 * application, without Airflow: Debian's python3 runs the client's tests that need a running server
 * ({@code RunningAppTests}) with a data engineer's API token. The tests that need no server, the DAG files and the
 * Kubernetes manifests are checked by {@code .ci/run}.
 */
@SpringBootTest(classes = CxrApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AirflowClientTest
{
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path TESTS = Path.of("..", "deploy", "airflow", "tests");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry)
            throws IOException
    {
        Path dataDir = TestServer.temporaryFolder("airflow-test");
        TestServer.embedded(registry, dataDir);
        registry.add("cxr.pipelines.settle", () -> "0s");
    }

    @LocalServerPort
    int port;

    @Test
    void theDagsClientStartsRunsWaitsForTheirEndAndReportsErrorsAgainstTheRealApi()
            throws Exception
    {
        assertThat(PYTHON).as("Debian's python3 runs the DAG client's tests").isExecutable();
        String token = TestUsers.bearer(port, "airflow", "data-engineer").substring("Bearer ".length());
        Path log = Files.createTempFile("cxr-airflow-client", ".log");
        ProcessBuilder python = new ProcessBuilder(PYTHON.toString(), "-m", "unittest", "-v", "test_cxr_client.RunningAppTests")
                .directory(TESTS.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        python.environment().put("CXR_TEST_URL", "http://localhost:" + port);
        python.environment().put("CXR_TEST_TOKEN", token);
        python.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Process process = python.start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("the Python tests end").isTrue();
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        System.out.println(output);
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("Ran 5 tests", "OK").doesNotContain("skipped").doesNotContain(token);
    }
}
