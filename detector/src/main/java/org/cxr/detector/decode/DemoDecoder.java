package org.cxr.detector.decode;

import org.cxr.imaging.Box;

import java.util.ArrayList;
import java.util.List;

/**
 * The demo model's format: {@code [B, N, 4 + C]}, per location x_min, y_min, x_max, y_max in input pixels followed by
 * one score per class. Every class at or above the threshold is a candidate (one location may show two findings).
 */
final class DemoDecoder
        implements OutputDecoder
{
    private final int classes;

    DemoDecoder(int classes)
    {
        this.classes = classes;
    }

    @Override
    public List<Candidate> decode(List<Tensor> outputs, int batchIndex, float confidence)
    {
        Tensor t = outputs.get(0);
        int n = t.dim(1);
        int stride = 4 + classes;
        float[] v = t.values();
        List<Candidate> out = new ArrayList<>();
        int base = batchIndex * n * stride;
        for (int i = 0; i < n; i++) {
            int row = base + i * stride;
            for (int c = 0; c < classes; c++) {
                float score = v[row + 4 + c];
                if (score >= confidence) {
                    out.add(new Candidate(c, score, new Box(v[row], v[row + 1], v[row + 2], v[row + 3])));
                }
            }
        }
        return out;
    }

    @Override
    public void checkShapes(List<long[]> shapes)
    {
        long[] shape = shapes.get(0);
        OutputDecoder.requireRank("demo output", shape, 3);
        OutputDecoder.requireDim("demo output", shape, 2, 4 + classes);
    }
}
