package org.cxr.detector.decode;

import org.cxr.imaging.Box;

import java.util.ArrayList;
import java.util.List;

/**
 * YOLOv5-style exports: {@code [B, N, 5 + C]}, per row centre x, centre y, width, height in input pixels, objectness,
 * then class probabilities. The score is objectness times the best class probability.
 */
final class YoloV5Decoder
        implements OutputDecoder
{
    private final int classes;

    YoloV5Decoder(int classes)
    {
        this.classes = classes;
    }

    @Override
    public List<Candidate> decode(List<Tensor> outputs, int batchIndex, float confidence)
    {
        Tensor t = outputs.get(0);
        int n = t.dim(1);
        int stride = 5 + classes;
        float[] v = t.values();
        List<Candidate> out = new ArrayList<>();
        int base = batchIndex * n * stride;
        for (int i = 0; i < n; i++) {
            int row = base + i * stride;
            float objectness = v[row + 4];
            if (objectness < confidence) {
                continue; // class probabilities are at most 1, so the score cannot reach the threshold
            }
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (v[row + 5 + c] > v[row + 5 + best]) {
                    best = c;
                }
            }
            float score = objectness * v[row + 5 + best];
            if (score >= confidence) {
                out.add(new Candidate(best, score, Box.fromCentre(v[row], v[row + 1], v[row + 2], v[row + 3])));
            }
        }
        return out;
    }

    @Override
    public void checkShapes(List<long[]> shapes)
    {
        long[] shape = shapes.get(0);
        OutputDecoder.requireRank("YOLOv5 output", shape, 3);
        OutputDecoder.requireDim("YOLOv5 output", shape, 2, 5 + classes);
    }
}
