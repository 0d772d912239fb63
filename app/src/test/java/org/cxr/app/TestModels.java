package org.cxr.app;

import org.cxr.phantom.PhantomGenerator;

import javax.imageio.ImageIO;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/** Where the tests find the committed demo model (Surefire runs in the module's folder), and what they upload. */
public final class TestModels
{
    public static final Path DEMO_MODEL = Path.of("..", "models", "demo");

    private TestModels() {}

    /** An 8-bit PNG phantom drawn from the seed. */
    public static byte[] phantomPng(long seed)
            throws IOException
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new PhantomGenerator().generate(seed).toImage(8), "png", out);
        return out.toByteArray();
    }
}
