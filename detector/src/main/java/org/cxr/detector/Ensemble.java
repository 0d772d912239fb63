package org.cxr.detector;

import org.cxr.detector.postprocess.WeightedBoxesFusion;
import org.cxr.imaging.DecodedImage;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Several detectors of the same classes combined by Weighted Boxes Fusion, as the original team combined theirs.
 * Each member runs with a low confidence floor so fusion sees the boxes a single model is unsure of; the caller's
 * confidence threshold then applies to the fused scores. Closing the ensemble closes its members.
 */
public final class Ensemble
        implements ImageDetector
{
    /** Members keep boxes down to this score (or the caller's threshold, if lower) for fusion to weigh. */
    private static final double MEMBER_CONFIDENCE_FLOOR = 0.05;

    private final List<Detector> members;
    private final WeightedBoxesFusion fusion;
    private final String name;
    private final String version;

    /**
     * @param weights one weight per member
     * @param fusionIou boxes of one class overlapping above this are fused
     */
    public Ensemble(List<Detector> members, List<Double> weights, double fusionIou)
    {
        this.members = List.copyOf(requireNonNull(members, "members"));
        if (this.members.size() < 2) {
            throw new IllegalArgumentException("an ensemble needs at least two models");
        }
        List<String> classes = this.members.get(0).manifest().classNames();
        for (Detector member : this.members) {
            if (!member.manifest().classNames().equals(classes)) {
                throw new IllegalArgumentException("ensemble members must have the same classes in the same order: "
                        + classes + " vs " + member.manifest().classNames() + " of " + member.manifest().name());
            }
        }
        this.fusion = new WeightedBoxesFusion(fusionIou, 0, weights);
        this.name = this.members.stream().map(d -> d.manifest().name()).collect(Collectors.joining("+", "ensemble(", ")"));
        this.version = this.members.stream().map(d -> d.manifest().version()).collect(Collectors.joining("+"));
    }

    @Override
    public List<String> classNames()
    {
        return members.get(0).classNames();
    }

    @Override
    public Thresholds defaultThresholds()
    {
        return members.get(0).defaultThresholds();
    }

    @Override
    public DetectionResult detect(byte[] imageBytes, Thresholds thresholds)
    {
        long start = System.nanoTime();
        DecodedImage image = members.get(0).decode(imageBytes);
        Thresholds memberThresholds = new Thresholds(Math.min(MEMBER_CONFIDENCE_FLOOR, thresholds.confidence()), thresholds.nmsIou());
        List<List<Detection>> perModel = new ArrayList<>();
        for (Detector member : members) {
            perModel.add(member.detect(image, memberThresholds).detections());
        }
        List<Detection> fused = fusion.fuse(perModel).stream()
                .filter(d -> d.score() >= thresholds.confidence())
                .toList();
        return new DetectionResult(image.width(), image.height(), name, version, thresholds, fused, System.nanoTime() - start);
    }

    @Override
    public void close()
    {
        members.forEach(Detector::close);
    }
}
