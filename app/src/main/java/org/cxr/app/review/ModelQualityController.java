package org.cxr.app.review;

import org.cxr.app.audit.Audit;
import org.cxr.lake.Lake;
import org.cxr.lake.ModelAgreement;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * How each model version fares with radiologists, from the latest review of every reviewed inference: of the boxes it
 * proposed, the share accepted unchanged, corrected and rejected; and the findings it missed (added by a radiologist),
 * per class. This is agreement with reviewers, live, not accuracy on a fixed test set ({@code cxr evaluate}).
 */
@RestController
class ModelQualityController
{
    record ClassQuality(int classId, String className, long proposed, long accepted, long corrected, long rejected, long missed,
            Double acceptedShare, Double correctedShare, Double rejectedShare) {}

    record ModelQuality(String name, String version, long proposed, long accepted, long corrected, long rejected, long missed,
            Double acceptedShare, Double correctedShare, Double rejectedShare, List<ClassQuality> classes) {}

    record Quality(List<ModelQuality> models) {}

    private final Lake lake;
    private final Audit audit;

    ModelQualityController(Lake lake, Audit audit)
    {
        this.lake = requireNonNull(lake, "lake");
        this.audit = requireNonNull(audit, "audit");
    }

    @GetMapping("/api/v1/model/quality")
    Quality quality()
    {
        Map<String, List<ModelAgreement>> byModel = new LinkedHashMap<>();
        for (ModelAgreement row : lake.agreement()) {
            byModel.computeIfAbsent(row.modelName() + "\u0000" + row.modelVersion(), key -> new ArrayList<>()).add(row);
        }
        List<ModelQuality> models = new ArrayList<>();
        for (List<ModelAgreement> rows : byModel.values()) {
            List<ClassQuality> classes = rows.stream()
                    .map(r -> new ClassQuality(r.classId(), r.className(), r.proposed(), r.accepted(), r.corrected(), r.rejected(), r.missed(),
                            share(r.accepted(), r.proposed()), share(r.corrected(), r.proposed()), share(r.rejected(), r.proposed())))
                    .toList();
            long accepted = rows.stream().mapToLong(ModelAgreement::accepted).sum();
            long corrected = rows.stream().mapToLong(ModelAgreement::corrected).sum();
            long rejected = rows.stream().mapToLong(ModelAgreement::rejected).sum();
            long missed = rows.stream().mapToLong(ModelAgreement::missed).sum();
            long proposed = accepted + corrected + rejected;
            models.add(new ModelQuality(rows.get(0).modelName(), rows.get(0).modelVersion(), proposed, accepted, corrected, rejected, missed,
                    share(accepted, proposed), share(corrected, proposed), share(rejected, proposed), classes));
        }
        audit.success("model.quality", null);
        return new Quality(List.copyOf(models));
    }

    /** Null when nothing was proposed: no share to speak of. */
    private static Double share(long part, long whole)
    {
        return whole == 0 ? null : part / (double) whole;
    }
}
