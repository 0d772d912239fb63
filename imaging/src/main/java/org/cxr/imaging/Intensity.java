package org.cxr.imaging;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How stored sample values become the [0, 1] intensities the model was trained on.
 * <ul>
 * <li>{@code BIT_DEPTH}: {@code value / (2^bitDepth - 1)}, the full range the file's sample size allows.</li>
 * <li>{@code SIGNIFICANT_BITS}: {@code value / (2^sBIT - 1)} per channel, where a PNG's {@code sBIT} chunk says only
 * that many bits carry data (12-bit detector data in a 16-bit PNG); the same as {@code BIT_DEPTH} when there is
 * no {@code sBIT}, and also when a sample exceeds {@code 2^sBIT - 1}, which means the writer scaled the data to
 * the full range as the PNG specification asks.</li>
 * <li>{@code PERCENTILE_WINDOW}: per image, the grey levels between the {@code low} and {@code high} percentiles
 * (linear interpolation between order statistics, as numpy's default) are stretched to [0, 1], clamped outside;
 * every channel uses the grey window. A flat image (no spread between them) keeps {@code BIT_DEPTH}.</li>
 * </ul>
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Intensity(Intensity.Mode mode, Double low, Double high)
{
    public enum Mode { BIT_DEPTH, SIGNIFICANT_BITS, PERCENTILE_WINDOW }

    public static final Intensity BIT_DEPTH = new Intensity(Mode.BIT_DEPTH, null, null);
    public static final Intensity SIGNIFICANT_BITS = new Intensity(Mode.SIGNIFICANT_BITS, null, null);

    public Intensity
    {
        require(mode != null, "input.intensity.mode is missing (BIT_DEPTH, SIGNIFICANT_BITS or PERCENTILE_WINDOW)");
        if (mode == Mode.PERCENTILE_WINDOW) {
            low = low == null ? 0.5 : low;
            high = high == null ? 99.5 : high;
            require(low >= 0 && high <= 100 && low < high,
                    "input.intensity low and high must be percentiles with 0 <= low < high <= 100, got " + low + " and " + high);
        }
        else {
            require(low == null && high == null, "input.intensity low and high apply to PERCENTILE_WINDOW only");
        }
    }

    public static Intensity percentileWindow(double low, double high)
    {
        return new Intensity(Mode.PERCENTILE_WINDOW, low, high);
    }

    private static void require(boolean condition, String message)
    {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
