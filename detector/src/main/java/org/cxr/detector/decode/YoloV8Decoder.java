package org.cxr.detector.decode;

import org.cxr.imaging.Box;

import java.util.ArrayList;
import java.util.List;

/**
 * YOLOv8-style exports: {@code [B, 4 + C, N]}, channels first: centre x, centre y, width, height in input pixels, then
 * one score per class, for N candidate boxes. The score is the best class's.
 */
final class YoloV8Decoder
        implements OutputDecoder
{
    private final int classes;

    YoloV8Decoder(int classes)
    {
        this.classes = classes;
    }

    @Override
    public List<Candidate> decode(List<Tensor> outputs, int batchIndex, float confidence)
    {
        Tensor t = outputs.get(0);
        int n = t.dim(2);
        float[] v = t.values();
        int base = batchIndex * (4 + classes) * n;
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int best = 0;
            float bestScore = v[base + 4 * n + i];
            for (int c = 1; c < classes; c++) {
                float s = v[base + (4 + c) * n + i];
                if (s > bestScore) {
                    bestScore = s;
                    best = c;
                }
            }
            if (bestScore >= confidence) {
                out.add(new Candidate(best, bestScore, Box.fromCentre(v[base + i], v[base + n + i], v[base + 2 * n + i], v[base + 3 * n + i])));
            }
        }
        return out;
    }

    @Override
    public void checkShapes(List<long[]> shapes)
    {
        long[] shape = shapes.get(0);
        OutputDecoder.requireRank("YOLOv8 output", shape, 3);
        OutputDecoder.requireDim("YOLOv8 output", shape, 1, 4 + classes);
    }
}
