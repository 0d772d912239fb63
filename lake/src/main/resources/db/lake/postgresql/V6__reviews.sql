-- A radiologist's review of one inference: a decision for every predicted box of it, and the boxes the radiologist
-- added. Append-only: a later review of the same inference supersedes the earlier one, which stays.
CREATE TABLE review (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    inference_id bigint        NOT NULL,
    reviewer     varchar(200)  NOT NULL,
    reviewed_at  timestamptz   NOT NULL,
    comment      varchar(2000),
    -- No cascade: an inference with reviews cannot be deleted by accident (the purge deletes both, backed up).
    CONSTRAINT review_inference_fk FOREIGN KEY (inference_id) REFERENCES inference (id)
);

-- The latest review of an inference, and whether it has one (the worklist).
CREATE INDEX review_inference_idx ON review (inference_id, id);

-- One decision of a review. The label is what the box is after the review: the predicted box for "accepted", the new
-- class and box for "corrected", the radiologist's for "added"; a rejected box has none.
CREATE TABLE review_box (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    review_id        bigint           NOT NULL,
    predicted_box_id bigint,
    decision         varchar(16)      NOT NULL,
    class_id         integer,
    class_name       varchar(200),
    x_min            double precision,
    y_min            double precision,
    x_max            double precision,
    y_max            double precision,
    CONSTRAINT review_box_review_fk FOREIGN KEY (review_id) REFERENCES review (id) ON DELETE CASCADE,
    CONSTRAINT review_box_predicted_fk FOREIGN KEY (predicted_box_id) REFERENCES predicted_box (id),
    CONSTRAINT review_box_decision CHECK (decision IN ('accepted', 'rejected', 'corrected', 'added')),
    CONSTRAINT review_box_proposal CHECK ((decision = 'added') = (predicted_box_id IS NULL)),
    CONSTRAINT review_box_label CHECK ((decision = 'rejected') = (class_id IS NULL)
        AND (class_id IS NULL) = (class_name IS NULL) AND (class_id IS NULL) = (x_min IS NULL)
        AND (x_min IS NULL) = (y_min IS NULL) AND (x_min IS NULL) = (x_max IS NULL) AND (x_min IS NULL) = (y_max IS NULL)),
    CONSTRAINT review_box_class CHECK (class_id >= 0),
    CONSTRAINT review_box_corners CHECK (x_min < x_max AND y_min < y_max)
);

CREATE INDEX review_box_review_idx ON review_box (review_id);
CREATE INDEX review_box_predicted_idx ON review_box (predicted_box_id);

-- The stages that carry reviews keep their place in them too.
ALTER TABLE pipeline_watermark ADD COLUMN last_review_id bigint NOT NULL DEFAULT 0;
