package org.cxr.imaging;


import java.util.List;

/**
 * The linear map from stored sample values to [0, 1] that an {@link Intensity} asks for, per channel: intensity is
 * {@code (value - black) / range}, clamped. Every mode is such a window; they differ in where black and white are.
 * Computed from the samples actually used (the skipped ones of a reduced decode do not count).
 */
final class IntensityWindow
{
    private IntensityWindow() {}

    /** {@code [channel] -> {black, range}} in sample values. */
    static float[][] of(Intensity intensity, ImageDecoder.Samples samples, int stride, int width, int height, List<Integer> significantBits)
    {
        int channels = samples.channels();
        // Exactly the old value / (2^bits - 1), in float, so full-range files keep bit-identical intensities.
        float full = (float) ((1 << samples.bits()) - 1);
        float[][] window = new float[channels][];
        for (int c = 0; c < channels; c++) {
            window[c] = new float[] {0f, full};
        }
        switch (intensity.mode()) {
            case BIT_DEPTH -> { }
            case SIGNIFICANT_BITS -> {
                if (significantBits.size() == channels) {
                    int[] max = channelMaxima(samples, stride, width, height);
                    for (int c = 0; c < channels; c++) {
                        int white = (1 << significantBits.get(c)) - 1;
                        // A sample above 2^sBIT - 1 means the writer scaled the data to the full range, as the PNG
                        // specification asks; then sBIT only documents the source and the full range is right.
                        if (max[c] <= white) {
                            window[c][1] = white;
                        }
                    }
                }
            }
            case PERCENTILE_WINDOW -> {
                double[] bounds = greyPercentiles(samples, stride, width, height, intensity.low(), intensity.high());
                if (bounds[1] > bounds[0]) {
                    for (int c = 0; c < channels; c++) {
                        window[c][0] = (float) bounds[0];
                        window[c][1] = (float) (bounds[1] - bounds[0]);
                    }
                }
            }
        }
        return window;
    }

    private static int[] channelMaxima(ImageDecoder.Samples samples, int stride, int width, int height)
    {
        int[] max = new int[samples.channels()];
        int[] row = new int[samples.width()];
        for (int y = 0; y < height; y++) {
            for (int c = 0; c < max.length; c++) {
                samples.row(c, y * stride, row);
                for (int x = 0; x < width; x++) {
                    max[c] = Math.max(max[c], row[x * stride]);
                }
            }
        }
        return max;
    }

    /**
     * The low and high percentiles of the grey levels (the mean of the channels), in sample values, as numpy's
     * {@code percentile} computes them by default: linear interpolation between the two nearest order statistics.
     * Exact, from a histogram of the channel sums, which are integers.
     */
    static double[] greyPercentiles(ImageDecoder.Samples samples, int stride, int width, int height, double low, double high)
    {
        int channels = samples.channels();
        long[] histogram = new long[channels * ((1 << samples.bits()) - 1) + 1];
        int[] row = new int[samples.width()];
        int[] sums = new int[width];
        for (int y = 0; y < height; y++) {
            java.util.Arrays.fill(sums, 0);
            for (int c = 0; c < channels; c++) {
                samples.row(c, y * stride, row);
                for (int x = 0; x < width; x++) {
                    sums[x] += row[x * stride];
                }
            }
            for (int x = 0; x < width; x++) {
                histogram[sums[x]]++;
            }
        }
        long count = (long) width * height;
        return new double[] {percentile(histogram, count, low) / channels, percentile(histogram, count, high) / channels};
    }

    private static double percentile(long[] histogram, long count, double percent)
    {
        double rank = percent / 100 * (count - 1);
        long below = (long) Math.floor(rank);
        double fraction = rank - below;
        long lower = orderStatistic(histogram, below);
        long upper = below + 1 < count ? orderStatistic(histogram, below + 1) : lower;
        return lower + fraction * (upper - lower);
    }

    /** The k-th smallest value (from 0). */
    private static long orderStatistic(long[] histogram, long k)
    {
        long seen = 0;
        for (int value = 0; value < histogram.length; value++) {
            seen += histogram[value];
            if (seen > k) {
                return value;
            }
        }
        return histogram.length - 1;
    }
}
