-- One row per distinct image (by content), however often it is uploaded.
CREATE TABLE image (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sha256             char(64)         NOT NULL,
    bucket             varchar(63)      NOT NULL,
    object_key         varchar(255)     NOT NULL,
    -- What the first uploader called the file: user data, never a path or a key.
    original_file_name varchar(1024)    NOT NULL,
    media_type         varchar(32)      NOT NULL,
    width              integer          NOT NULL,
    height             integer          NOT NULL,
    size_bytes         bigint           NOT NULL,
    first_seen         timestamptz      NOT NULL,
    CONSTRAINT image_sha256_unique UNIQUE (sha256),
    CONSTRAINT image_object_unique UNIQUE (bucket, object_key),
    CONSTRAINT image_sha256_hex CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    CONSTRAINT image_size_positive CHECK (width > 0 AND height > 0 AND size_bytes > 0)
);

-- One row per detector run on an upload.
CREATE TABLE inference (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    image_id             bigint           NOT NULL,
    created_at           timestamptz      NOT NULL,
    confidence_threshold double precision NOT NULL,
    nms_iou_threshold    double precision NOT NULL,
    model_name           varchar(200)     NOT NULL,
    model_version        varchar(200)     NOT NULL,
    duration_ms          bigint           NOT NULL,
    user_name            varchar(200),
    -- No cascade: an image with inferences cannot be deleted by accident.
    CONSTRAINT inference_image_fk FOREIGN KEY (image_id) REFERENCES image (id),
    CONSTRAINT inference_thresholds CHECK (confidence_threshold BETWEEN 0 AND 1 AND nms_iou_threshold > 0 AND nms_iou_threshold <= 1),
    CONSTRAINT inference_duration CHECK (duration_ms >= 0)
);

-- Newest-first listings page by (created_at, id).
CREATE INDEX inference_created_at_idx ON inference (created_at, id);
CREATE INDEX inference_image_idx ON inference (image_id);

CREATE TABLE predicted_box (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    inference_id bigint           NOT NULL,
    class_id     integer          NOT NULL,
    class_name   varchar(200)     NOT NULL,
    score        double precision NOT NULL,
    x_min        double precision NOT NULL,
    y_min        double precision NOT NULL,
    x_max        double precision NOT NULL,
    y_max        double precision NOT NULL,
    CONSTRAINT predicted_box_inference_fk FOREIGN KEY (inference_id) REFERENCES inference (id) ON DELETE CASCADE,
    CONSTRAINT predicted_box_class CHECK (class_id >= 0),
    CONSTRAINT predicted_box_score CHECK (score BETWEEN 0 AND 1),
    CONSTRAINT predicted_box_corners CHECK (x_min <= x_max AND y_min <= y_max)
);

CREATE INDEX predicted_box_inference_idx ON predicted_box (inference_id);
-- Filters such as "boxes of class 3 scoring at least 0.7".
CREATE INDEX predicted_box_class_score_idx ON predicted_box (class_id, score, inference_id);
CREATE INDEX predicted_box_score_idx ON predicted_box (score, inference_id);
