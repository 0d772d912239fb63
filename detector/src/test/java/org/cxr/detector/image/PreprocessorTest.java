package org.cxr.detector.image;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PreprocessorTest
{
    @Test
    void downscalingAveragesTheSourceRectanglesOfAdaptiveAveragePooling()
    {
        // 5 columns to 3: PyTorch pools [0, 2), [1, 4), [3, 5)
        float[] source = {0, 1, 2, 3, 4};
        float[] canvas = new float[3];

        Preprocessor.resizeInto(source, 5, 1, canvas, 3, new Letterbox(5, 1, 3, 1, 0, 0));

        assertThat(canvas[0]).isCloseTo(0.5f, within(1e-6f));
        assertThat(canvas[1]).isCloseTo(2f, within(1e-6f));
        assertThat(canvas[2]).isCloseTo(3.5f, within(1e-6f));
    }

    @Test
    void twoByTwoBlocksBecomeTheirMeansInsideThePaddedCanvas()
    {
        float[] source = {
                1, 3, 0, 0,
                5, 7, 0, 4,
                2, 2, 8, 8,
                2, 2, 8, 8};
        float[] canvas = new float[4 * 4];
        Letterbox box = new Letterbox(4, 4, 2, 2, 1, 1);

        Preprocessor.resizeInto(source, 4, 4, canvas, 4, box);

        assertThat(canvas).containsExactly(
                0, 0, 0, 0,
                0, 4, 1, 0,
                0, 2, 8, 0,
                0, 0, 0, 0);
    }

    @Test
    void resizingGivesTheFloatsOfThePlainTwoPassDefinitionForShrinkingAndGrowing()
    {
        java.util.Random random = new java.util.Random(7);
        int[][] sizes = {{1021, 1263, 512, 512}, {640, 800, 409, 512}, {37, 29, 64, 50}, {300, 17, 7, 3}, {5, 5, 5, 5}};
        for (int[] size : sizes) {
            int sourceWidth = size[0];
            int sourceHeight = size[1];
            float[] source = new float[sourceWidth * sourceHeight];
            for (int i = 0; i < source.length; i++) {
                source[i] = random.nextFloat();
            }
            Letterbox box = new Letterbox(sourceWidth, sourceHeight, size[2], size[3], 2, 1);
            int canvasWidth = size[2] + 4;
            float[] canvas = new float[canvasWidth * (size[3] + 2)];

            Preprocessor.resizeInto(source, sourceWidth, sourceHeight, canvas, canvasWidth, box);

            float[] expected = plainResize(source, sourceWidth, sourceHeight, canvasWidth, canvas.length, box);
            assertThat(java.util.Arrays.mismatch(canvas, expected)).as("first float that differs, %d x %d to %d x %d", size[0], size[1], size[2], size[3])
                    .isEqualTo(-1);
        }
    }

    /** Adaptive average pooling's rectangles, rows reduced first and then columns, a column at a time. */
    private static float[] plainResize(float[] source, int sourceWidth, int sourceHeight, int canvasWidth, int canvasSize, Letterbox box)
    {
        int outW = box.resizedWidth();
        int outH = box.resizedHeight();
        float[] rows = new float[sourceHeight * outW];
        for (int ox = 0; ox < outW; ox++) {
            int start = (int) ((long) ox * sourceWidth / outW);
            int end = (int) (((long) (ox + 1) * sourceWidth + outW - 1) / outW);
            for (int y = 0; y < sourceHeight; y++) {
                float sum = 0;
                for (int x = start; x < end; x++) {
                    sum += source[y * sourceWidth + x];
                }
                rows[y * outW + ox] = sum / (end - start);
            }
        }
        float[] canvas = new float[canvasSize];
        for (int oy = 0; oy < outH; oy++) {
            int start = (int) ((long) oy * sourceHeight / outH);
            int end = (int) (((long) (oy + 1) * sourceHeight + outH - 1) / outH);
            for (int ox = 0; ox < outW; ox++) {
                float sum = 0;
                for (int y = start; y < end; y++) {
                    sum += rows[y * outW + ox];
                }
                canvas[(oy + box.padY()) * canvasWidth + box.padX() + ox] = sum / (end - start);
            }
        }
        return canvas;
    }

    @Test
    void letterboxKeepsTheAspectCentresAndMapsBoxesBack()
    {
        Letterbox box = Letterbox.fit(1000, 800, 256, 256);

        assertThat(box.resizedWidth()).isEqualTo(256);
        assertThat(box.resizedHeight()).isEqualTo(205);
        assertThat(box.padX()).isZero();
        assertThat(box.padY()).isEqualTo(25);
        var back = box.toSource(new org.cxr.imaging.Box(25.6, 25, 128, 230));
        assertThat(back.xMin()).isCloseTo(100, within(1e-9));
        assertThat(back.yMin()).isCloseTo(0, within(1e-9));
        assertThat(back.xMax()).isCloseTo(500, within(1e-9));
        assertThat(back.yMax()).isCloseTo(800, within(1e-9));
    }
}
