package org.cxr.app;

import org.springframework.test.context.DynamicPropertyRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The settings every test of a whole running server shares: its own data directory, embedded servers on free ports,
 * the demo model, and the admin password {@link TestUsers} signs in with.
 */
public final class TestServer
{
    /** Every run's folders, one sub-folder per test JVM, named by its process id. */
    private static final Path RUNS = Path.of(System.getProperty("java.io.tmpdir"), "cxr-test-servers");
    private static Path thisRun;

    private TestServer() {}

    /**
     * A new folder for one server's data. A server's embedded PostgreSQL outlives the test class (Spring closes cached
     * contexts when the JVM exits), so the folder cannot be deleted by the class; instead each run deletes the folders
     * of earlier runs whose JVM has ended, and a machine keeps at most the last run's.
     */
    public static synchronized Path temporaryFolder(String name)
    {
        try {
            if (thisRun == null) {
                Files.createDirectories(RUNS);
                deleteEndedRuns();
                thisRun = Files.createDirectories(RUNS.resolve(String.valueOf(ProcessHandle.current().pid())));
            }
            return Files.createTempDirectory(thisRun, name);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteEndedRuns()
            throws IOException
    {
        try (Stream<Path> runs = Files.list(RUNS)) {
            for (Path run : runs.toList()) {
                String pid = run.getFileName().toString();
                boolean ended = pid.chars().allMatch(Character::isDigit) && ProcessHandle.of(Long.parseLong(pid)).map(p -> !p.isAlive()).orElse(true);
                if (ended) {
                    try {
                        deleteTree(run);
                    }
                    catch (IOException e) {
                        // Left for the next run: a leftover must not fail this one.
                        System.err.println("Could not delete the earlier test run folder " + run + ": " + e);
                    }
                }
            }
        }
    }

    private static void deleteTree(Path root)
            throws IOException
    {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** Registers those settings for a server on this data directory. */
    public static void embedded(DynamicPropertyRegistry registry, Path dataDirectory)
    {
        registry.add("cxr.data-directory", dataDirectory::toString);
        registry.add("cxr.embedded.postgres-port", () -> "0");
        registry.add("cxr.embedded.s3-port", () -> "0");
        registry.add("cxr.pipelines.warehouse.embedded-port", () -> "0");
        registry.add("cxr.model.directory", TestModels.DEMO_MODEL::toString);
        registry.add(TestUsers.ADMIN_PASSWORD_PROPERTY, () -> TestUsers.ADMIN_PASSWORD);
    }
}
