package org.cxr.detector;

/**
 * How a detector runs: ONNX Runtime intra-op threads (0 lets ONNX Runtime choose), the largest image accepted in
 * pixels (checked from the file header before decoding), and whether to run once on a blank image when loaded so the
 * first request does not pay for graph initialisation.
 */
public record DetectorOptions(int intraOpThreads, long maxPixels, boolean warmUp)
{
    public static final long DEFAULT_MAX_PIXELS = 64L * 1024 * 1024;

    public DetectorOptions
    {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intra-op threads must be 0 (automatic) or more, got " + intraOpThreads);
        }
        if (maxPixels < 1) {
            throw new IllegalArgumentException("max pixels must be positive, got " + maxPixels);
        }
    }

    public static DetectorOptions defaults()
    {
        return new DetectorOptions(0, DEFAULT_MAX_PIXELS, true);
    }

    public DetectorOptions withIntraOpThreads(int threads)
    {
        return new DetectorOptions(threads, maxPixels, warmUp);
    }

    public DetectorOptions withMaxPixels(long pixels)
    {
        return new DetectorOptions(intraOpThreads, pixels, warmUp);
    }

    public DetectorOptions withWarmUp(boolean warm)
    {
        return new DetectorOptions(intraOpThreads, maxPixels, warm);
    }
}
