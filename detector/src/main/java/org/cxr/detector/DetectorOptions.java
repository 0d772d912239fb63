package org.cxr.detector;

/**
 * How a detector runs: ONNX Runtime intra-op threads (0 lets ONNX Runtime choose), the largest image accepted in
 * pixels (checked from the file header before decoding), whether to run once on a blank image when loaded so the
 * first request does not pay for graph initialisation, how many pixels may be held decoded at once across threads
 * ({@code decodePixelBudget}, see {@link org.cxr.imaging.PixelBudget}), and how much larger than the model's
 * input a decode for detection keeps a large image ({@code inputOversampling}: at least that many times the input's
 * width and height; larger images are read skipping pixels).
 */
public record DetectorOptions(int intraOpThreads, long maxPixels, boolean warmUp, long decodePixelBudget, int inputOversampling)
{
    public static final long DEFAULT_MAX_PIXELS = 64L * 1024 * 1024;
    /** One maximal image at a time: about 0.6 GB of heap for a 16-bit grey one. */
    public static final long DEFAULT_DECODE_PIXEL_BUDGET = DEFAULT_MAX_PIXELS;
    /**
     * Four times the input leaves at least 16 image pixels to average into each input pixel, more than the 6 to 16
     * that the demo model's 640-1024-pixel training phantoms gave its 256-pixel input.
     */
    public static final int DEFAULT_INPUT_OVERSAMPLING = 4;

    public DetectorOptions
    {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intra-op threads must be 0 (automatic) or more, got " + intraOpThreads);
        }
        if (maxPixels < 1) {
            throw new IllegalArgumentException("max pixels must be positive, got " + maxPixels);
        }
        if (decodePixelBudget < 1 || decodePixelBudget > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("decode pixel budget must be between 1 and " + Integer.MAX_VALUE + ", got " + decodePixelBudget);
        }
        if (inputOversampling < 1) {
            throw new IllegalArgumentException("input oversampling must be 1 or more, got " + inputOversampling);
        }
    }

    public DetectorOptions(int intraOpThreads, long maxPixels, boolean warmUp)
    {
        this(intraOpThreads, maxPixels, warmUp, DEFAULT_DECODE_PIXEL_BUDGET, DEFAULT_INPUT_OVERSAMPLING);
    }

    public static DetectorOptions defaults()
    {
        return new DetectorOptions(0, DEFAULT_MAX_PIXELS, true);
    }

    public DetectorOptions withIntraOpThreads(int threads)
    {
        return new DetectorOptions(threads, maxPixels, warmUp, decodePixelBudget, inputOversampling);
    }

    public DetectorOptions withMaxPixels(long pixels)
    {
        return new DetectorOptions(intraOpThreads, pixels, warmUp, decodePixelBudget, inputOversampling);
    }

    public DetectorOptions withWarmUp(boolean warm)
    {
        return new DetectorOptions(intraOpThreads, maxPixels, warm, decodePixelBudget, inputOversampling);
    }

    public DetectorOptions withDecodePixelBudget(long pixels)
    {
        return new DetectorOptions(intraOpThreads, maxPixels, warmUp, pixels, inputOversampling);
    }

    public DetectorOptions withInputOversampling(int times)
    {
        return new DetectorOptions(intraOpThreads, maxPixels, warmUp, decodePixelBudget, times);
    }
}
