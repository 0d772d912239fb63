-- Where each incremental stage (backup, warehouse) has got to: the highest ids it has handled and verified.
CREATE TABLE pipeline_watermark (
    stage             VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    last_image_id     BIGINT      NOT NULL,
    last_inference_id BIGINT      NOT NULL,
    updated_at        DATETIME(6) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- One row per run of a pipeline stage: the run history shown on the page and by the API.
CREATE TABLE pipeline_run (
    id           BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    stage        VARCHAR(32)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    trigger_kind VARCHAR(32)   NOT NULL,
    status       VARCHAR(16)   NOT NULL,
    started_at   DATETIME(6)   NOT NULL,
    finished_at  DATETIME(6),
    attempts     INT           NOT NULL DEFAULT 0,
    rows_read    BIGINT,
    rows_written BIGINT,
    detail       VARCHAR(8000),
    error        VARCHAR(4000),
    CONSTRAINT pipeline_run_status CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED')),
    INDEX pipeline_run_stage_idx (stage, started_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- At most one run per stage at a time, across every instance of the application: a lease that expires if its
-- holder dies.
CREATE TABLE pipeline_lease (
    stage      VARCHAR(32)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    run_id     BIGINT       NOT NULL,
    holder     VARCHAR(200) NOT NULL,
    expires_at DATETIME(6)  NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
