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
