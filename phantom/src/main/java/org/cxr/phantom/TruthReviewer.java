package org.cxr.phantom;

import org.cxr.detector.evaluation.GreedyMatch;
import org.cxr.imaging.Box;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A reviewer for tests and benchmarks who knows the truth: the phantom generator drew the findings, so it decides
 * every predicted box by them. Per class, proposals (best first) are matched to true findings as an evaluation matches
 * them ({@link GreedyMatch}, IoU at least {@link #MATCH_IOU}): a match is accepted when its box is already close to the
 * truth (IoU at least {@link #EXACT_IOU}) and otherwise corrected to the true box; a proposal without a match is
 * rejected; a true finding no proposal matched is added. Its review therefore leaves exactly the truth (to within
 * {@code EXACT_IOU} for accepted boxes), and its counts are the model's true and false positives and misses.
 */
public final class TruthReviewer
{
    public static final double MATCH_IOU = 0.5;
    public static final double EXACT_IOU = 0.9;

    /** A box the model proposed: its id (what the review names), class id, score and box. */
    public record Proposal(long predictedBoxId, int classId, double score, Box box)
    {
        public Proposal
        {
            requireNonNull(box, "box");
        }
    }

    public enum Kind { ACCEPTED, REJECTED, CORRECTED, ADDED }

    /** One decision: about a proposal (none when added), and the class and box it leaves (none when rejected). */
    public record Decision(Kind kind, Optional<Long> predictedBoxId, Optional<Integer> classId, Optional<Box> box) {}

    private TruthReviewer() {}

    public static List<Decision> review(List<Proposal> proposals, List<Finding> truth)
    {
        requireNonNull(proposals, "proposals");
        requireNonNull(truth, "truth");
        List<Decision> decisions = new ArrayList<>();
        for (FindingClass findingClass : FindingClass.values()) {
            int classId = findingClass.ordinal();
            List<Proposal> mine = proposals.stream()
                    .filter(p -> p.classId() == classId)
                    .sorted(Comparator.comparingDouble(Proposal::score).reversed())
                    .toList();
            List<Box> findings = truth.stream()
                    .filter(f -> f.findingClass() == findingClass)
                    .map(f -> new Box(f.xMin(), f.yMin(), f.xMax(), f.yMax()))
                    .toList();
            int[] matches = GreedyMatch.match(findings, mine.stream().map(Proposal::box).toList(), MATCH_IOU);
            boolean[] found = new boolean[findings.size()];
            for (int i = 0; i < mine.size(); i++) {
                Proposal proposal = mine.get(i);
                if (matches[i] < 0) {
                    decisions.add(new Decision(Kind.REJECTED, Optional.of(proposal.predictedBoxId()), Optional.empty(), Optional.empty()));
                    continue;
                }
                found[matches[i]] = true;
                Box actual = findings.get(matches[i]);
                decisions.add(proposal.box().iou(actual) >= EXACT_IOU
                        ? new Decision(Kind.ACCEPTED, Optional.of(proposal.predictedBoxId()), Optional.empty(), Optional.empty())
                        : new Decision(Kind.CORRECTED, Optional.of(proposal.predictedBoxId()), Optional.empty(), Optional.of(actual)));
            }
            for (int f = 0; f < findings.size(); f++) {
                if (!found[f]) {
                    decisions.add(new Decision(Kind.ADDED, Optional.empty(), Optional.of(classId), Optional.of(findings.get(f))));
                }
            }
        }
        // Proposals of classes the phantoms do not have: not findings.
        proposals.stream()
                .filter(p -> p.classId() < 0 || p.classId() >= FindingClass.values().length)
                .forEach(p -> decisions.add(new Decision(Kind.REJECTED, Optional.of(p.predictedBoxId()), Optional.empty(), Optional.empty())));
        return decisions;
    }
}
