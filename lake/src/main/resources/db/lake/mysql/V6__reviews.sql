-- A radiologist's review of one inference: a decision for every predicted box of it, and the boxes the radiologist
-- added. Append-only: a later review of the same inference supersedes the earlier one, which stays.
CREATE TABLE review (
    id           BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    inference_id BIGINT        NOT NULL,
    reviewer     VARCHAR(200)  NOT NULL,
    reviewed_at  DATETIME(6)   NOT NULL,
    comment      VARCHAR(2000) NULL,
    -- No cascade: an inference with reviews cannot be deleted by accident (the purge deletes both, backed up).
    CONSTRAINT review_inference_fk FOREIGN KEY (inference_id) REFERENCES inference (id),
    -- The latest review of an inference, and whether it has one (the worklist).
    INDEX review_inference_idx (inference_id, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- One decision of a review. The label is what the box is after the review: the predicted box for "accepted", the new
-- class and box for "corrected", the radiologist's for "added"; a rejected box has none.
CREATE TABLE review_box (
    id               BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    review_id        BIGINT       NOT NULL,
    predicted_box_id BIGINT       NULL,
    decision         VARCHAR(16)  NOT NULL,
    class_id         INT          NULL,
    class_name       VARCHAR(200) NULL,
    x_min            DOUBLE       NULL,
    y_min            DOUBLE       NULL,
    x_max            DOUBLE       NULL,
    y_max            DOUBLE       NULL,
    CONSTRAINT review_box_review_fk FOREIGN KEY (review_id) REFERENCES review (id) ON DELETE CASCADE,
    CONSTRAINT review_box_predicted_fk FOREIGN KEY (predicted_box_id) REFERENCES predicted_box (id),
    CONSTRAINT review_box_decision CHECK (decision IN ('accepted', 'rejected', 'corrected', 'added')),
    CONSTRAINT review_box_proposal CHECK ((decision = 'added') = (predicted_box_id IS NULL)),
    CONSTRAINT review_box_label CHECK ((decision = 'rejected') = (class_id IS NULL)
        AND (class_id IS NULL) = (class_name IS NULL) AND (class_id IS NULL) = (x_min IS NULL)
        AND (x_min IS NULL) = (y_min IS NULL) AND (x_min IS NULL) = (x_max IS NULL) AND (x_min IS NULL) = (y_max IS NULL)),
    CONSTRAINT review_box_class CHECK (class_id >= 0),
    CONSTRAINT review_box_corners CHECK (x_min < x_max AND y_min < y_max),
    INDEX review_box_review_idx (review_id),
    INDEX review_box_predicted_idx (predicted_box_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The stages that carry reviews keep their place in them too.
ALTER TABLE pipeline_watermark ADD COLUMN last_review_id BIGINT NOT NULL DEFAULT 0;
