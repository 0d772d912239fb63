-- MySQL 8.0.16+ or MariaDB 10.6+ (CHECK constraints are enforced). Timestamps are DATETIME(6) holding UTC: the
-- application writes and reads them as UTC and pins the session time zone to UTC.

-- One row per distinct image (by content), however often it is uploaded.
CREATE TABLE image (
    id                 BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    sha256             CHAR(64)      CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    bucket             VARCHAR(63)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    object_key         VARCHAR(255)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    -- What the first uploader called the file: user data, never a path or a key.
    original_file_name VARCHAR(1024) NOT NULL,
    media_type         VARCHAR(32)   NOT NULL,
    width              INT           NOT NULL,
    height             INT           NOT NULL,
    size_bytes         BIGINT        NOT NULL,
    first_seen         DATETIME(6)   NOT NULL,
    CONSTRAINT image_sha256_unique UNIQUE (sha256),
    CONSTRAINT image_object_unique UNIQUE (bucket, object_key),
    CONSTRAINT image_sha256_hex CHECK (sha256 REGEXP '^[0-9a-f]{64}$'),
    CONSTRAINT image_size_positive CHECK (width > 0 AND height > 0 AND size_bytes > 0)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- One row per detector run on an upload.
CREATE TABLE inference (
    id                   BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    image_id             BIGINT       NOT NULL,
    created_at           DATETIME(6)  NOT NULL,
    confidence_threshold DOUBLE       NOT NULL,
    nms_iou_threshold    DOUBLE       NOT NULL,
    model_name           VARCHAR(200) NOT NULL,
    model_version        VARCHAR(200) NOT NULL,
    duration_ms          BIGINT       NOT NULL,
    user_name            VARCHAR(200) NULL,
    -- No cascade: an image with inferences cannot be deleted by accident.
    CONSTRAINT inference_image_fk FOREIGN KEY (image_id) REFERENCES image (id),
    CONSTRAINT inference_thresholds CHECK (confidence_threshold BETWEEN 0 AND 1 AND nms_iou_threshold > 0 AND nms_iou_threshold <= 1),
    CONSTRAINT inference_duration CHECK (duration_ms >= 0),
    -- Newest-first listings page by (created_at, id).
    INDEX inference_created_at_idx (created_at, id),
    INDEX inference_image_idx (image_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE predicted_box (
    id           BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    inference_id BIGINT       NOT NULL,
    class_id     INT          NOT NULL,
    class_name   VARCHAR(200) NOT NULL,
    score        DOUBLE       NOT NULL,
    x_min        DOUBLE       NOT NULL,
    y_min        DOUBLE       NOT NULL,
    x_max        DOUBLE       NOT NULL,
    y_max        DOUBLE       NOT NULL,
    CONSTRAINT predicted_box_inference_fk FOREIGN KEY (inference_id) REFERENCES inference (id) ON DELETE CASCADE,
    CONSTRAINT predicted_box_class CHECK (class_id >= 0),
    CONSTRAINT predicted_box_score CHECK (score BETWEEN 0 AND 1),
    CONSTRAINT predicted_box_corners CHECK (x_min <= x_max AND y_min <= y_max),
    INDEX predicted_box_inference_idx (inference_id),
    -- Filters such as "boxes of class 3 scoring at least 0.7".
    INDEX predicted_box_class_score_idx (class_id, score, inference_id),
    INDEX predicted_box_score_idx (score, inference_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
