package org.cxr.lake.db;

import org.cxr.lake.BoxRecord;
import org.cxr.lake.ModelAgreement;
import org.cxr.lake.ModelVersion;
import org.cxr.lake.NewReview;
import org.cxr.lake.NewReviewBox;
import org.cxr.lake.NewReviewBox.Corners;
import org.cxr.lake.ReviewBoxRecord;
import org.cxr.lake.ReviewDecision;
import org.cxr.lake.ReviewLabel;
import org.cxr.lake.ReviewRecord;
import org.cxr.lake.StoredInference;
import org.cxr.lake.StoredReview;
import org.cxr.lake.WorklistEntry;
import org.cxr.lake.errors.InvalidInputException;
import org.cxr.lake.errors.NotFoundException;
import org.cxr.lake.sql.Database;
import org.cxr.lake.sql.SqlDialect;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/** The {@code review} and {@code review_box} tables: reviews written whole and checked, and the reads over them. */
public final class ReviewStore
{
    private static final String INSERT_REVIEW = """
            INSERT INTO review (inference_id, reviewer, reviewed_at, comment)
            VALUES (:inferenceId, :reviewer, :reviewedAt, :comment)
            """;

    private static final String INSERT_BOX = """
            INSERT INTO review_box (review_id, predicted_box_id, decision, class_id, class_name, x_min, y_min, x_max, y_max)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """;

    private static final String SELECT_REVIEWS_OF_INFERENCE = "SELECT " + LakeColumns.review("r") + """

            FROM review r
            WHERE r.inference_id = :inferenceId
            ORDER BY r.id DESC
            """;

    private static final String SELECT_LATEST_REVIEWS = "SELECT " + LakeColumns.review("r") + """

            FROM review r
            WHERE r.id IN (SELECT MAX(l.id) FROM review l WHERE l.inference_id IN (:inferenceIds) GROUP BY l.inference_id)
            """;

    private static final String SELECT_BOXES_OF_REVIEWS = "SELECT " + LakeColumns.reviewBox("x") + """

            FROM review_box x
            WHERE x.review_id IN (:reviewIds)
            ORDER BY x.review_id, x.id
            """;

    private static final String SELECT_BOXES_OF_REVIEW_RANGE = "SELECT " + LakeColumns.reviewBox("x") + """

            FROM review_box x
            WHERE x.review_id >= :first AND x.review_id <= :last
            ORDER BY x.review_id, x.id
            """;

    /** Beyond this many reviews their decisions are read by id range (a page of a stage), not by a list of ids. */
    private static final int MAX_LISTED_REVIEWS = 1000;

    /**
     * Unreviewed inferences, those waiting since before {@code :overdue} first (oldest first), then the rest by their
     * highest box score, highest first; ties oldest first. Scores come from the boxes of the page's candidates only.
     */
    private static final String WORKLIST = "SELECT " + LakeColumns.inference("i") + ", " + LakeColumns.image("m") + """
            , s.score AS worklist_score, s.boxes AS worklist_boxes,
                   CASE WHEN i.created_at < :overdue THEN 0 ELSE 1 END AS worklist_late
            FROM inference i
            JOIN image m ON m.id = i.image_id
            JOIN (SELECT u.id AS inference_id, COALESCE(MAX(b.score), 0) AS score, COUNT(b.id) AS boxes
                  FROM inference u
                  LEFT JOIN predicted_box b ON b.inference_id = u.id
                  WHERE NOT EXISTS (SELECT 1 FROM review r WHERE r.inference_id = u.id)
                  GROUP BY u.id) s ON s.inference_id = i.id
            ORDER BY worklist_late, CASE WHEN i.created_at < :overdue THEN i.created_at END, s.score DESC, i.created_at, i.id
            LIMIT :limit
            """;

    /**
     * Per model version and class, the decisions of each inference's latest review: the predicted box's class for a
     * decision about a proposal, the label's class for a box the radiologist added.
     */
    private static final String AGREEMENT = """
            SELECT i.model_name, i.model_version,
                   CASE WHEN x.decision = 'added' THEN x.class_id ELSE p.class_id END AS class_id,
                   CASE WHEN x.decision = 'added' THEN x.class_name ELSE p.class_name END AS class_name,
                   x.decision, COUNT(*) AS boxes
            FROM review r
            JOIN inference i ON i.id = r.inference_id
            JOIN review_box x ON x.review_id = r.id
            LEFT JOIN predicted_box p ON p.id = x.predicted_box_id
            WHERE r.id IN (SELECT MAX(l.id) FROM review l GROUP BY l.inference_id)
            GROUP BY i.model_name, i.model_version,
                     CASE WHEN x.decision = 'added' THEN x.class_id ELSE p.class_id END,
                     CASE WHEN x.decision = 'added' THEN x.class_name ELSE p.class_name END,
                     x.decision
            ORDER BY i.model_name, i.model_version, 3, 4
            """;

    private final Database database;
    private final LakeColumns columns;
    private final MetadataReader reader;
    private final ModelRegistry models;

    public ReviewStore(Database database, MetadataReader reader, ModelRegistry models)
    {
        this.database = requireNonNull(database, "database");
        this.columns = new LakeColumns(database.dialect());
        this.reader = requireNonNull(reader, "reader");
        this.models = requireNonNull(models, "models");
    }

    /**
     * Checks the review against its inference (a decision for each of its boxes and only those, classes of its model,
     * boxes inside its image) and writes it whole in one transaction, with whatever {@code alsoInTransaction} writes.
     */
    public StoredReview write(NewReview review, Instant now, Consumer<StoredReview> alsoInTransaction)
    {
        requireNonNull(review, "review");
        requireNonNull(now, "now");
        requireNonNull(alsoInTransaction, "alsoInTransaction");
        if (review.comment().map(String::length).orElse(0) > NewReview.MAX_COMMENT_LENGTH) {
            throw new InvalidInputException("bad_review", "The comment is longer than " + NewReview.MAX_COMMENT_LENGTH + " characters.");
        }
        return database.inTransaction(() -> {
            StoredInference inference = reader.inference(review.inferenceId())
                    .orElseThrow(() -> new NotFoundException("No inference with id " + review.inferenceId() + "."));
            List<String> classes = models.find(inference.inference().modelName(), inference.inference().modelVersion())
                    .map(ModelVersion::classNames)
                    .orElseThrow(() -> new InvalidInputException("bad_review", "The classes of model " + inference.inference().modelName() + " "
                            + inference.inference().modelVersion() + " are not known to the lake, so its inferences cannot be reviewed."));
            List<Decided> decided = check(review, inference, classes);
            long reviewId = insertReview(review, now);
            database.batchUpdate(INSERT_BOX, decided.stream().map(d -> row(reviewId, d)).toList());
            StoredReview stored = new StoredReview(
                    new ReviewRecord(reviewId, review.inferenceId(), review.reviewer(), now, review.comment()),
                    boxesOf(List.of(reviewId)).getOrDefault(reviewId, List.of()));
            alsoInTransaction.accept(stored);
            return stored;
        });
    }

    /** Every review of the inference, newest first. */
    public List<StoredReview> ofInference(long inferenceId)
    {
        return database.inSnapshot(() -> withBoxes(database.jdbc().sql(SELECT_REVIEWS_OF_INFERENCE)
                .param("inferenceId", inferenceId)
                .query((resultSet, row) -> columns.review(resultSet))
                .list()));
    }

    /** The latest review of each of these inferences that has one. */
    public Map<Long, StoredReview> latest(Collection<Long> inferenceIds)
    {
        if (inferenceIds.isEmpty()) {
            return Map.of();
        }
        return database.inSnapshot(() -> {
            List<StoredReview> reviews = withBoxes(database.jdbc().sql(SELECT_LATEST_REVIEWS)
                    .param("inferenceIds", List.copyOf(new HashSet<>(inferenceIds)))
                    .query((resultSet, row) -> columns.review(resultSet))
                    .list());
            Map<Long, StoredReview> byInference = new HashMap<>();
            reviews.forEach(review -> byInference.put(review.inferenceId(), review));
            return byInference;
        });
    }

    public List<WorklistEntry> worklist(int limit, Instant overdueBefore)
    {
        SqlDialect dialect = database.dialect();
        return database.jdbc().sql(WORKLIST)
                .param("overdue", dialect.timestamp(overdueBefore))
                .param("limit", limit)
                .query((resultSet, row) -> new WorklistEntry(
                        columns.inference(resultSet),
                        columns.image(resultSet),
                        resultSet.getDouble("worklist_score"),
                        resultSet.getInt("worklist_boxes"),
                        resultSet.getInt("worklist_late") == 0))
                .list();
    }

    public List<ModelAgreement> agreement()
    {
        record Key(String model, String version, int classId, String className) {}
        Map<Key, long[]> counts = new LinkedHashMap<>();
        database.jdbc().sql(AGREEMENT).query(resultSet -> {
            Key key = new Key(resultSet.getString("model_name"), resultSet.getString("model_version"), resultSet.getInt("class_id"), resultSet.getString("class_name"));
            long[] byDecision = counts.computeIfAbsent(key, k -> new long[ReviewDecision.values().length]);
            byDecision[ReviewDecision.of(resultSet.getString("decision")).ordinal()] += resultSet.getLong("boxes");
        });
        List<ModelAgreement> agreement = new ArrayList<>();
        counts.forEach((key, n) -> agreement.add(new ModelAgreement(key.model(), key.version(), key.classId(), key.className(),
                n[ReviewDecision.ACCEPTED.ordinal()], n[ReviewDecision.CORRECTED.ordinal()], n[ReviewDecision.REJECTED.ordinal()], n[ReviewDecision.ADDED.ordinal()])));
        return List.copyOf(agreement);
    }

    /** The reviews with their boxes, in the order given. */
    public List<StoredReview> withBoxes(List<ReviewRecord> reviews)
    {
        if (reviews.isEmpty()) {
            return List.of();
        }
        Map<Long, List<ReviewBoxRecord>> boxes = boxesOf(reviews.stream().map(ReviewRecord::id).toList());
        return reviews.stream().map(review -> new StoredReview(review, boxes.getOrDefault(review.id(), List.of()))).toList();
    }

    private Map<Long, List<ReviewBoxRecord>> boxesOf(List<Long> reviewIds)
    {
        Map<Long, List<ReviewBoxRecord>> boxes = new HashMap<>();
        Set<Long> wanted = new HashSet<>(reviewIds);
        var query = reviewIds.size() <= MAX_LISTED_REVIEWS
                ? database.jdbc().sql(SELECT_BOXES_OF_REVIEWS).param("reviewIds", reviewIds)
                : database.jdbc().sql(SELECT_BOXES_OF_REVIEW_RANGE)
                        .param("first", reviewIds.stream().mapToLong(Long::longValue).min().orElseThrow())
                        .param("last", reviewIds.stream().mapToLong(Long::longValue).max().orElseThrow());
        query.query(resultSet -> {
            ReviewBoxRecord box = columns.reviewBox(resultSet);
            if (wanted.contains(box.reviewId())) {
                boxes.computeIfAbsent(box.reviewId(), id -> new ArrayList<>()).add(box);
            }
        });
        return boxes;
    }

    private long insertReview(NewReview review, Instant now)
    {
        KeyHolder keys = new GeneratedKeyHolder();
        database.jdbc().sql(INSERT_REVIEW)
                .param("inferenceId", review.inferenceId())
                .param("reviewer", review.reviewer())
                .param("reviewedAt", database.dialect().timestamp(now))
                .param("comment", review.comment().orElse(null))
                .update(keys, "id");
        return requireNonNull(keys.getKey(), "generated review id").longValue();
    }

    private static Object[] row(long reviewId, Decided decided)
    {
        Optional<ReviewLabel> label = decided.label();
        return new Object[] {
                reviewId,
                decided.predictedBoxId().orElse(null),
                decided.decision().word(),
                label.map(ReviewLabel::classId).orElse(null),
                label.map(ReviewLabel::className).orElse(null),
                label.map(ReviewLabel::xMin).orElse(null),
                label.map(ReviewLabel::yMin).orElse(null),
                label.map(ReviewLabel::xMax).orElse(null),
                label.map(ReviewLabel::yMax).orElse(null)};
    }

    private record Decided(Optional<Long> predictedBoxId, ReviewDecision decision, Optional<ReviewLabel> label) {}

    /** Every rule a review must keep, each failure a 400 that names the box and what is wrong. */
    private static List<Decided> check(NewReview review, StoredInference inference, List<String> classes)
    {
        Map<Long, BoxRecord> predicted = new LinkedHashMap<>();
        inference.boxes().forEach(box -> predicted.put(box.id(), box));
        Set<Long> decidedIds = new HashSet<>();
        List<Decided> decided = new ArrayList<>();
        int width = inference.image().width();
        int height = inference.image().height();
        for (int index = 0; index < review.boxes().size(); index++) {
            NewReviewBox box = review.boxes().get(index);
            String which = "boxes[" + index + "]";
            ReviewDecision decision = box.decision();
            if (decision == ReviewDecision.ADDED) {
                if (box.predictedBoxId().isPresent()) {
                    throw invalid(which + " is added but names predicted box " + box.predictedBoxId().get() + "; an added box names none.");
                }
                if (box.classId().isEmpty() || box.box().isEmpty()) {
                    throw invalid(which + " is added: it needs a classId and a box.");
                }
                int classId = checkedClass(which, box.classId().getAsInt(), classes);
                decided.add(new Decided(Optional.empty(), decision, Optional.of(label(which, classId, classes, box.box().get(), width, height))));
                continue;
            }
            long boxId = box.predictedBoxId().orElseThrow(() -> invalid(which + " is " + decision.word() + " but names no predictedBoxId."));
            BoxRecord proposal = predicted.get(boxId);
            if (proposal == null) {
                throw invalid(which + " names box " + boxId + ", which is not a box of inference " + inference.id() + ".");
            }
            if (!decidedIds.add(boxId)) {
                throw invalid("Box " + boxId + " has more than one decision.");
            }
            switch (decision) {
                case ACCEPTED, REJECTED -> {
                    if (box.classId().isPresent() || box.box().isPresent()) {
                        throw invalid(which + " is " + decision.word() + ": it takes no classId or box (a changed box is corrected).");
                    }
                    Optional<ReviewLabel> label = decision == ReviewDecision.ACCEPTED
                            ? Optional.of(new ReviewLabel(proposal.classId(), proposal.className(), proposal.xMin(), proposal.yMin(), proposal.xMax(), proposal.yMax()))
                            : Optional.empty();
                    decided.add(new Decided(Optional.of(boxId), decision, label));
                }
                case CORRECTED -> {
                    if (box.classId().isEmpty() && box.box().isEmpty()) {
                        throw invalid(which + " is corrected: it needs a new classId, a new box, or both.");
                    }
                    int classId = box.classId().isPresent() ? checkedClass(which, box.classId().getAsInt(), classes) : proposal.classId();
                    Corners corners = box.box().orElse(new Corners(proposal.xMin(), proposal.yMin(), proposal.xMax(), proposal.yMax()));
                    decided.add(new Decided(Optional.of(boxId), decision, Optional.of(label(which, classId, classes, corners, width, height))));
                }
                default -> throw new IllegalStateException(decision.name());
            }
        }
        List<Long> undecided = predicted.keySet().stream().filter(id -> !decidedIds.contains(id)).toList();
        if (!undecided.isEmpty()) {
            throw invalid("Predicted box(es) " + undecided + " of inference " + inference.id() + " have no decision; decide every predicted box (accepted, rejected or corrected).");
        }
        return decided;
    }

    private static int checkedClass(String which, int classId, List<String> classes)
    {
        if (classId < 0 || classId >= classes.size()) {
            throw invalid(which + " has classId " + classId + ", which the model does not have (0 to " + (classes.size() - 1) + ").");
        }
        return classId;
    }

    private static ReviewLabel label(String which, int classId, List<String> classes, Corners box, int width, int height)
    {
        double[] values = {box.xMin(), box.yMin(), box.xMax(), box.yMax()};
        for (double value : values) {
            if (!Double.isFinite(value)) {
                throw invalid(which + " has a corner that is not a number.");
            }
        }
        if (box.xMin() < 0 || box.yMin() < 0 || box.xMax() > width || box.yMax() > height) {
            throw invalid(which + " lies outside the " + width + " x " + height + " image.");
        }
        if (box.xMax() <= box.xMin() || box.yMax() <= box.yMin()) {
            throw invalid(which + " has no area: xMax must be greater than xMin and yMax greater than yMin.");
        }
        return new ReviewLabel(classId, classes.get(classId), box.xMin(), box.yMin(), box.xMax(), box.yMax());
    }

    private static InvalidInputException invalid(String message)
    {
        return new InvalidInputException("bad_review", message);
    }
}
