package org.cxr.detector.image;

import org.cxr.detector.model.ModelManifest;
import org.cxr.detector.model.ModelManifest.Input;
import org.cxr.imaging.DecodedImage;

import static java.util.Objects.requireNonNull;

/**
 * Turns a decoded image into the model's input tensor as the manifest describes it. Resizing averages each output
 * pixel over the source rectangle that PyTorch's adaptive average pooling assigns to it
 * ({@code [floor(i * in / out), ceil((i + 1) * in / out))}), so the Java input equals the one the model was trained
 * and checked on.
 */
public final class Preprocessor
{
    private final Input input;

    public Preprocessor(Input input)
    {
        this.input = requireNonNull(input, "input");
    }

    public Letterbox geometry(int width, int height)
    {
        return input.resize() == ModelManifest.Resize.LETTERBOX
                ? Letterbox.fit(width, height, input.width(), input.height())
                : Letterbox.stretch(width, height, input.width(), input.height());
    }

    /** Number of floats one image occupies in the input tensor. */
    public int tensorSize()
    {
        return input.channels() * input.width() * input.height();
    }

    /**
     * Fills {@code target} from {@code offset} with this image's tensor; returns where its boxes map back. The
     * geometry is the full picture's, so boxes map back to full-size pixels even when the planes are reduced: the
     * planes are then area-averaged into the same letterbox rectangle.
     */
    public Letterbox fill(DecodedImage image, float[] target, int offset)
    {
        Letterbox box = geometry(image.width(), image.height());
        float[][] sources = switch (input.color()) {
            case GRAYSCALE -> new float[][] {image.grey()};
            case RGB -> image.rgb();
            case BGR -> {
                float[][] rgb = image.rgb();
                yield new float[][] {rgb[2], rgb[1], rgb[0]};
            }
        };
        int w = input.width();
        int h = input.height();
        int channels = sources.length;
        float[] canvas = new float[w * h];
        for (int c = 0; c < channels; c++) {
            java.util.Arrays.fill(canvas, (float) input.padValue());
            resizeInto(sources[c], image.planeWidth(), image.planeHeight(), canvas, w, box);
            float scale = (float) input.scale();
            float mean = input.mean().get(c).floatValue();
            float std = input.std().get(c).floatValue();
            for (int i = 0; i < canvas.length; i++) {
                float v = (canvas[i] * scale - mean) / std;
                if (input.layout() == ModelManifest.Layout.NCHW) {
                    target[offset + c * w * h + i] = v;
                }
                else {
                    target[offset + i * channels + c] = v;
                }
            }
        }
        return box;
    }

    /**
     * Area-averages {@code source} into the letterbox's rectangle of {@code canvas}: rows first, then columns. Each
     * source row is read once, in order, and reduced into a small ring of the rows that the output row being made
     * still needs (a plane is larger than the caches, and reading it a column at a time was most of the preparation's
     * time). The sums add the same values in the same order as the plain definition, so the floats are the same.
     */
    static void resizeInto(float[] source, int sourceWidth, int sourceHeight, float[] canvas, int canvasWidth, Letterbox box)
    {
        int outW = box.resizedWidth();
        int outH = box.resizedHeight();
        int[] columnStart = new int[outW];
        int[] columnEnd = new int[outW];
        for (int ox = 0; ox < outW; ox++) {
            columnStart[ox] = windowStart(ox, sourceWidth, outW);
            columnEnd[ox] = windowEnd(ox, sourceWidth, outW);
        }
        int span = 1;
        for (int oy = 0; oy < outH; oy++) {
            span = Math.max(span, windowEnd(oy, sourceHeight, outH) - windowStart(oy, sourceHeight, outH));
        }
        // Source row y, reduced to outW columns, is at (y % span) * outW once y <= reduced.
        float[] ring = new float[span * outW];
        int reduced = -1;
        float[] sums = new float[outW];
        for (int oy = 0; oy < outH; oy++) {
            int start = windowStart(oy, sourceHeight, outH);
            int end = windowEnd(oy, sourceHeight, outH);
            for (; reduced < end - 1; reduced++) {
                reduceRow(source, (reduced + 1) * sourceWidth, columnStart, columnEnd, ring, ((reduced + 1) % span) * outW);
            }
            java.util.Arrays.fill(sums, 0f);
            for (int y = start; y < end; y++) {
                int row = (y % span) * outW;
                for (int ox = 0; ox < outW; ox++) {
                    sums[ox] += ring[row + ox];
                }
            }
            float count = end - start;
            int target = (oy + box.padY()) * canvasWidth + box.padX();
            for (int ox = 0; ox < outW; ox++) {
                canvas[target + ox] = sums[ox] / count;
            }
        }
    }

    private static void reduceRow(float[] source, int base, int[] columnStart, int[] columnEnd, float[] target, int offset)
    {
        for (int ox = 0; ox < columnStart.length; ox++) {
            float sum = 0;
            for (int x = columnStart[ox]; x < columnEnd[ox]; x++) {
                sum += source[base + x];
            }
            target[offset + ox] = sum / (columnEnd[ox] - columnStart[ox]);
        }
    }

    /** The first source pixel of output pixel {@code i}'s pooling window, along one axis of {@code in} to {@code out}. */
    private static int windowStart(int i, int in, int out)
    {
        return (int) ((long) i * in / out);
    }

    /** One past the last source pixel of output pixel {@code i}'s pooling window. */
    private static int windowEnd(int i, int in, int out)
    {
        return (int) (((long) (i + 1) * in + out - 1) / out);
    }
}
