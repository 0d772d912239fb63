package org.cxr.detector.postprocess;

import org.cxr.detector.Detection;
import org.cxr.imaging.Box;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Weighted Boxes Fusion (Solovyev, Wang and Gabruseva, 2021), the method the original team used to combine an
 * ensemble: boxes of the same class from all models that overlap a cluster's fused box above the IoU threshold join
 * it; the fused box's corners are the mean of its members' corners weighted by score times model weight, and its
 * score is the members' mean weighted score, lowered when fewer models than the ensemble holds found the box.
 */
public final class WeightedBoxesFusion
{
    private final double iouThreshold;
    private final double skipBelow;
    private final List<Double> weights;

    /**
     * @param iouThreshold boxes overlapping a cluster's fused box above this join it
     * @param skipBelow scores below this are ignored
     * @param weights one weight per model
     */
    public WeightedBoxesFusion(double iouThreshold, double skipBelow, List<Double> weights)
    {
        if (!(iouThreshold > 0 && iouThreshold <= 1)) {
            throw new IllegalArgumentException("WBF IoU threshold must be in (0, 1]");
        }
        this.iouThreshold = iouThreshold;
        this.skipBelow = skipBelow;
        this.weights = List.copyOf(requireNonNull(weights, "weights"));
        if (this.weights.isEmpty() || this.weights.stream().anyMatch(w -> !(w > 0))) {
            throw new IllegalArgumentException("WBF needs one positive weight per model");
        }
    }

    private record Member(Detection detection, double weight)
    {
        double weightedScore()
        {
            return detection.score() * weight;
        }
    }

    private static final class Cluster
    {
        private final List<Member> members = new ArrayList<>();
        private Detection fused;

        Cluster(Member first)
        {
            add(first);
        }

        void add(Member member)
        {
            members.add(member);
            double x0 = 0;
            double y0 = 0;
            double x1 = 0;
            double y1 = 0;
            double total = 0;
            for (Member m : members) {
                double w = m.weightedScore();
                Box b = m.detection().box();
                x0 += b.xMin() * w;
                y0 += b.yMin() * w;
                x1 += b.xMax() * w;
                y1 += b.yMax() * w;
                total += w;
            }
            Detection d = members.get(0).detection();
            fused = new Detection(d.classId(), d.className(), total / members.size(),
                    new Box(x0 / total, y0 / total, x1 / total, y1 / total));
        }

        double weight()
        {
            return members.stream().mapToDouble(Member::weight).sum();
        }
    }

    /** Fuses the detections of one image, one list per model, in the order of the weights. */
    public List<Detection> fuse(List<List<Detection>> perModel)
    {
        if (perModel.size() != weights.size()) {
            throw new IllegalArgumentException("expected " + weights.size() + " models' detections, got " + perModel.size());
        }
        List<Member> all = new ArrayList<>();
        for (int m = 0; m < perModel.size(); m++) {
            for (Detection d : perModel.get(m)) {
                if (d.score() >= skipBelow) {
                    all.add(new Member(d, weights.get(m)));
                }
            }
        }
        all.sort(Comparator.comparingDouble(Member::weightedScore).reversed());

        List<Cluster> clusters = new ArrayList<>();
        for (Member member : all) {
            Cluster match = null;
            double bestIou = iouThreshold;
            for (Cluster cluster : clusters) {
                if (cluster.fused.classId() == member.detection().classId()) {
                    double iou = cluster.fused.box().iou(member.detection().box());
                    if (iou > bestIou) {
                        bestIou = iou;
                        match = cluster;
                    }
                }
            }
            if (match == null) {
                clusters.add(new Cluster(member));
            }
            else {
                match.add(member);
            }
        }
        double totalWeight = weights.stream().mapToDouble(Double::doubleValue).sum();
        List<Detection> result = new ArrayList<>();
        for (Cluster cluster : clusters) {
            Detection d = cluster.fused;
            double score = d.score() * Math.min(cluster.weight(), totalWeight) / totalWeight;
            result.add(new Detection(d.classId(), d.className(), score, d.box()));
        }
        result.sort(Comparator.comparingDouble(Detection::score).reversed());
        return List.copyOf(result);
    }
}
