package org.cxr.phantom;

import org.cxr.imaging.Box;
import org.cxr.phantom.TruthReviewer.Decision;
import org.cxr.phantom.TruthReviewer.Kind;
import org.cxr.phantom.TruthReviewer.Proposal;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class TruthReviewerTest
{
    @Test
    void acceptsCloseBoxesCorrectsLooseOnesRejectsTheRestAndAddsWhatWasMissed()
    {
        List<Finding> truth = List.of(
                new Finding(FindingClass.CARDIOMEGALY, 100, 100, 300, 250),
                new Finding(FindingClass.NODULE_MASS, 400, 400, 440, 440),
                new Finding(FindingClass.ILD, 10, 10, 60, 60));
        List<Proposal> proposals = List.of(
                new Proposal(1, 1, 0.9, new Box(101, 100, 300, 250)),   // Cardiomegaly, nearly exact: accepted
                new Proposal(2, 1, 0.5, new Box(100, 100, 300, 240)),   // the same finding again: rejected
                new Proposal(3, 4, 0.7, new Box(405, 400, 445, 445)),   // Nodule/Mass, IoU about 0.65: corrected to the truth
                new Proposal(4, 3, 0.6, new Box(500, 500, 520, 520)));  // Infiltration that is not there: rejected
        // ILD was missed: added.

        List<Decision> decisions = TruthReviewer.review(proposals, truth);

        assertThat(decisions).containsExactlyInAnyOrder(
                new Decision(Kind.ACCEPTED, Optional.of(1L), Optional.empty(), Optional.empty()),
                new Decision(Kind.REJECTED, Optional.of(2L), Optional.empty(), Optional.empty()),
                new Decision(Kind.CORRECTED, Optional.of(3L), Optional.empty(), Optional.of(new Box(400, 400, 440, 440))),
                new Decision(Kind.REJECTED, Optional.of(4L), Optional.empty(), Optional.empty()),
                new Decision(Kind.ADDED, Optional.empty(), Optional.of(2), Optional.of(new Box(10, 10, 60, 60))));
    }
}
