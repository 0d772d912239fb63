package org.cxr.imaging;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Committed fixture files under src/test/resources/fixtures. */
public final class TestFiles
{
    private TestFiles() {}

    public static byte[] fixture(String path)
    {
        try (InputStream in = TestFiles.class.getResourceAsStream("/fixtures/" + path)) {
            if (in == null) {
                throw new IllegalStateException("no fixture " + path);
            }
            return in.readAllBytes();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
