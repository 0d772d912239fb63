package org.cxr.detector.evaluation;

import org.cxr.imaging.Box;

import java.util.Arrays;
import java.util.List;

/**
 * Matches predicted boxes of one class to reference boxes of that class as COCO does: each prediction, best first,
 * takes the unmatched reference box with the highest IoU at or above the threshold. Shared by the evaluation and by
 * the simulated reviewer, so that what a review decides and what an evaluation counts are the same matching.
 */
public final class GreedyMatch
{
    private GreedyMatch() {}

    /** For each prediction (in the order given, best first), the index of the reference box it matches, or -1. */
    public static int[] match(List<Box> reference, List<Box> predictionsBestFirst, double minIou)
    {
        boolean[] taken = new boolean[reference.size()];
        int[] matched = new int[predictionsBestFirst.size()];
        Arrays.fill(matched, -1);
        for (int p = 0; p < predictionsBestFirst.size(); p++) {
            int best = -1;
            double bestIou = minIou;
            for (int r = 0; r < reference.size(); r++) {
                double iou = reference.get(r).iou(predictionsBestFirst.get(p));
                if (!taken[r] && iou >= bestIou) {
                    best = r;
                    bestIou = iou;
                }
            }
            if (best >= 0) {
                taken[best] = true;
                matched[p] = best;
            }
        }
        return matched;
    }
}
