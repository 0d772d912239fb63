package org.cxr.detector.image;

import org.cxr.imaging.Box;

/**
 * Where an image of {@code sourceWidth x sourceHeight} lands in a model input: resized to
 * {@code resizedWidth x resizedHeight} and placed at ({@code padX}, {@code padY}). Maps boxes back.
 */
public record Letterbox(int sourceWidth, int sourceHeight, int resizedWidth, int resizedHeight, int padX, int padY)
{
    /** Aspect kept, centred; the rounding is the one the training script uses. */
    public static Letterbox fit(int sourceWidth, int sourceHeight, int inputWidth, int inputHeight)
    {
        double scale = Math.min(inputWidth / (double) sourceWidth, inputHeight / (double) sourceHeight);
        int width = clamp((int) Math.floor(sourceWidth * scale + 0.5), 1, inputWidth);
        int height = clamp((int) Math.floor(sourceHeight * scale + 0.5), 1, inputHeight);
        return new Letterbox(sourceWidth, sourceHeight, width, height, (inputWidth - width) / 2, (inputHeight - height) / 2);
    }

    /** Aspect changed to fill the whole input. */
    public static Letterbox stretch(int sourceWidth, int sourceHeight, int inputWidth, int inputHeight)
    {
        return new Letterbox(sourceWidth, sourceHeight, inputWidth, inputHeight, 0, 0);
    }

    /** A box in input pixels mapped to the source image's pixels and clamped to it. */
    public Box toSource(Box box)
    {
        double sx = resizedWidth / (double) sourceWidth;
        double sy = resizedHeight / (double) sourceHeight;
        return new Box(
                (box.xMin() - padX) / sx, (box.yMin() - padY) / sy,
                (box.xMax() - padX) / sx, (box.yMax() - padY) / sy)
                .clamp(sourceWidth, sourceHeight);
    }

    private static int clamp(int v, int lo, int hi)
    {
        return Math.max(lo, Math.min(hi, v));
    }
}
