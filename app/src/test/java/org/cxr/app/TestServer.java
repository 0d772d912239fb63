package org.cxr.app;

import org.springframework.test.context.DynamicPropertyRegistry;

import java.nio.file.Path;

/**
 * The settings every test of a whole running server shares: its own data directory, embedded servers on free ports,
 * the demo model, and the admin password {@link TestUsers} signs in with.
 */
public final class TestServer
{
    private TestServer() {}

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
