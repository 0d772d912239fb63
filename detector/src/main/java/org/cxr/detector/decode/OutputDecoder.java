package org.cxr.detector.decode;

import org.cxr.detector.model.InvalidModelException;
import org.cxr.detector.model.ModelManifest;

import java.util.List;

/**
 * Reads the boxes of one image of a batch out of a model's raw outputs. Every decoder returns boxes in the model
 * input's pixels, keeps only scores at or above the confidence threshold, and leaves NMS to the caller.
 */
public interface OutputDecoder
{
    /**
     * @param outputs the tensors the manifest names, in its order
     * @param batchIndex which image of the batch
     */
    List<Candidate> decode(List<Tensor> outputs, int batchIndex, float confidence);

    /** Throws {@link InvalidModelException} when the graph's output shapes (-1 for dynamic) cannot be this format. */
    void checkShapes(List<long[]> shapes);

    static OutputDecoder forManifest(ModelManifest manifest)
    {
        int classes = manifest.classes().size();
        return switch (manifest.output().decoder()) {
            case DEMO -> new DemoDecoder(classes);
            case YOLOV5 -> new YoloV5Decoder(classes);
            case YOLOV8 -> new YoloV8Decoder(classes);
            case BOXES_SCORES_LABELS -> new BoxesScoresLabelsDecoder(classes, manifest.output().labelOffset());
        };
    }

    /** Fails unless a fixed dimension equals the expected value (a dynamic one, -1, fits anything). */
    static void requireDim(String what, long[] shape, int axis, long expected)
    {
        if (shape.length <= axis) {
            throw new InvalidModelException(what + " has rank " + shape.length + ", expected at least " + (axis + 1));
        }
        if (shape[axis] >= 0 && shape[axis] != expected) {
            throw new InvalidModelException(what + " has " + shape[axis] + " at axis " + axis + ", expected " + expected
                    + " for the manifest's classes: " + java.util.Arrays.toString(shape));
        }
    }

    static void requireRank(String what, long[] shape, int... ranks)
    {
        for (int rank : ranks) {
            if (shape.length == rank) {
                return;
            }
        }
        throw new InvalidModelException(what + " has shape " + java.util.Arrays.toString(shape) + ", expected rank " + java.util.Arrays.toString(ranks));
    }
}
