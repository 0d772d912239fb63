package org.cxr.detector.decode;

import org.cxr.detector.model.InvalidModelException;
import org.cxr.imaging.Box;

import java.util.ArrayList;
import java.util.List;

/**
 * Exports that already give final boxes (torchvision and Detectron2 RetinaNet / Faster R-CNN style): boxes
 * {@code [N, 4]} x_min, y_min, x_max, y_max in input pixels, scores {@code [N]} and labels {@code [N]}, each with an
 * optional leading batch axis. {@code labelOffset} is subtracted from every label (1 for torchvision, whose label 0
 * is the background); labels outside the manifest's classes are dropped.
 */
final class BoxesScoresLabelsDecoder
        implements OutputDecoder
{
    private final int classes;
    private final int labelOffset;

    BoxesScoresLabelsDecoder(int classes, int labelOffset)
    {
        this.classes = classes;
        this.labelOffset = labelOffset;
    }

    @Override
    public List<Candidate> decode(List<Tensor> outputs, int batchIndex, float confidence)
    {
        Tensor boxes = outputs.get(0);
        Tensor scores = outputs.get(1);
        Tensor labels = outputs.get(2);
        boolean batched = boxes.rank() == 3;
        int n = batched ? boxes.dim(1) : boxes.dim(0);
        if (!batched && batchIndex != 0) {
            throw new IllegalArgumentException("this model's outputs have no batch axis");
        }
        int offset = batched ? batchIndex * n : 0;
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float score = scores.values()[offset + i];
            int label = Math.round(labels.values()[offset + i]) - labelOffset;
            if (score >= confidence && label >= 0 && label < classes) {
                int b = (offset + i) * 4;
                float[] v = boxes.values();
                out.add(new Candidate(label, score, new Box(v[b], v[b + 1], v[b + 2], v[b + 3])));
            }
        }
        return out;
    }

    @Override
    public void checkShapes(List<long[]> shapes)
    {
        long[] boxes = shapes.get(0);
        OutputDecoder.requireRank("boxes output", boxes, 2, 3);
        OutputDecoder.requireDim("boxes output", boxes, boxes.length - 1, 4);
        for (int i = 1; i <= 2; i++) {
            long[] shape = shapes.get(i);
            if (shape.length != boxes.length - 1) {
                throw new InvalidModelException((i == 1 ? "scores" : "labels") + " output has shape " + java.util.Arrays.toString(shape)
                        + ", expected rank " + (boxes.length - 1) + " to match the boxes");
            }
        }
    }
}
