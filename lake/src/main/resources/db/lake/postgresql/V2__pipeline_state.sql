-- Where each incremental stage (backup, warehouse) has got to: the highest ids it has handled and verified.
CREATE TABLE pipeline_watermark (
    stage             varchar(32) PRIMARY KEY,
    last_image_id     bigint      NOT NULL,
    last_inference_id bigint      NOT NULL,
    updated_at        timestamptz NOT NULL
);

-- One row per run of a pipeline stage: the run history shown on the page and by the API.
CREATE TABLE pipeline_run (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    stage        varchar(32)   NOT NULL,
    trigger_kind varchar(32)   NOT NULL,
    status       varchar(16)   NOT NULL,
    started_at   timestamptz   NOT NULL,
    finished_at  timestamptz,
    attempts     integer       NOT NULL DEFAULT 0,
    rows_read    bigint,
    rows_written bigint,
    detail       varchar(8000),
    error        varchar(4000),
    CONSTRAINT pipeline_run_status CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED'))
);
CREATE INDEX pipeline_run_stage_idx ON pipeline_run (stage, started_at);

-- At most one run per stage at a time, across every instance of the application: a lease that expires if its
-- holder dies.
CREATE TABLE pipeline_lease (
    stage      varchar(32)  PRIMARY KEY,
    run_id     bigint       NOT NULL,
    holder     varchar(200) NOT NULL,
    expires_at timestamptz  NOT NULL
);
