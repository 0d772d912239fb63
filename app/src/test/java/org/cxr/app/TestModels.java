package org.cxr.app;

import java.nio.file.Path;

/** Where the tests find the committed demo model (Surefire runs in the module's folder). */
public final class TestModels
{
    public static final Path DEMO_MODEL = Path.of("..", "models", "demo");

    private TestModels() {}
}
