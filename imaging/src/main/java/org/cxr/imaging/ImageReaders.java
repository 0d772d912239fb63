package org.cxr.imaging;

import com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi;

import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;

/**
 * The one reader used per format, named rather than taken from ImageIO's "first reader for jpeg", which depends on
 * which plugins happen to be registered (class path order, a servlet container's class loaders, another library's
 * plugin): JPEG is TwelveMonkeys' reader (CMYK, YCCK, Adobe inversion, broken ICC profiles, lossless), which decodes
 * through the JDK's reader for ordinary files; PNG is the JDK's own reader.
 */
final class ImageReaders
{
    private static final String JDK_PNG = "com.sun.imageio.plugins.png.PNGImageReaderSpi";

    private static final ImageReaderSpi JPEG = jpegProvider();
    private static final ImageReaderSpi PNG = provider(JDK_PNG);

    private ImageReaders() {}

    static ImageReader create(String format)
    {
        ImageReaderSpi provider = switch (format) {
            case "jpeg" -> JPEG;
            case "png" -> PNG;
            default -> throw new IllegalArgumentException("no reader for " + format);
        };
        try {
            return provider.createReaderInstance();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Which class reads JPEG; for the test that pins it. */
    static String jpegReaderClass()
    {
        ImageReader reader = create("jpeg");
        try {
            return reader.getClass().getName();
        }
        finally {
            reader.dispose();
        }
    }

    private static ImageReaderSpi jpegProvider()
    {
        IIORegistry registry = IIORegistry.getDefaultInstance();
        JPEGImageReaderSpi provider = registry.getServiceProviderByClass(JPEGImageReaderSpi.class);
        if (provider == null) {
            // Not found by the service loader (a class loader ImageIO did not scan): register it ourselves; on
            // registration it finds the JDK reader it decodes ordinary JPEGs with.
            registry.registerServiceProvider(new JPEGImageReaderSpi(), ImageReaderSpi.class);
            provider = registry.getServiceProviderByClass(JPEGImageReaderSpi.class);
        }
        if (provider == null) {
            throw new IllegalStateException("The TwelveMonkeys JPEG reader cannot be registered (no JDK JPEG reader to delegate to)");
        }
        return provider;
    }

    private static ImageReaderSpi provider(String className)
    {
        Iterator<ImageReaderSpi> providers = IIORegistry.getDefaultInstance().getServiceProviders(ImageReaderSpi.class, false);
        while (providers.hasNext()) {
            ImageReaderSpi provider = providers.next();
            if (provider.getClass().getName().equals(className)) {
                return provider;
            }
        }
        throw new IllegalStateException("The JDK's image reader " + className + " is not registered");
    }
}
