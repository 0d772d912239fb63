-- People who may sign in. Passwords are stored as one-way hashes with their algorithm prefix ({bcrypt}...).
CREATE TABLE app_user (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username      varchar(64)  NOT NULL,
    password_hash varchar(200) NOT NULL,
    enabled       boolean      NOT NULL,
    created_at    timestamptz  NOT NULL,
    -- Wrong passwords in a row, and until when the account refuses passwords after too many.
    failed_sign_ins integer    NOT NULL DEFAULT 0,
    locked_until  timestamptz,
    CONSTRAINT app_user_username_unique UNIQUE (username)
);

-- A user holds one or more roles: uploader, radiologist, data engineer, admin.
CREATE TABLE app_user_role (
    user_id bigint      NOT NULL,
    role    varchar(32) NOT NULL,
    CONSTRAINT app_user_role_pk PRIMARY KEY (user_id, role),
    CONSTRAINT app_user_role_user_fk FOREIGN KEY (user_id) REFERENCES app_user (id) ON DELETE CASCADE,
    CONSTRAINT app_user_role_known CHECK (role IN ('UPLOADER', 'RADIOLOGIST', 'DATA_ENGINEER', 'ADMIN'))
);

-- Personal API tokens for scripts and Airflow. Only the SHA-256 of a token is kept: the token is shown once.
CREATE TABLE api_token (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint       NOT NULL,
    name         varchar(100) NOT NULL,
    token_sha256 char(64)     NOT NULL,
    created_at   timestamptz  NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    CONSTRAINT api_token_user_fk FOREIGN KEY (user_id) REFERENCES app_user (id),
    CONSTRAINT api_token_sha256_unique UNIQUE (token_sha256)
);

CREATE INDEX api_token_user_idx ON api_token (user_id);

-- Who did what, when, from where: append-only, never updated.
CREATE TABLE audit_event (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at    timestamptz   NOT NULL,
    actor          varchar(64)   NOT NULL,
    action         varchar(64)   NOT NULL,
    target         varchar(300),
    outcome        varchar(16)   NOT NULL,
    remote_address varchar(64),
    detail         varchar(1000),
    CONSTRAINT audit_event_outcome CHECK (outcome IN ('SUCCESS', 'DENIED', 'FAILURE'))
);

CREATE INDEX audit_event_occurred_idx ON audit_event (occurred_at, id);
CREATE INDEX audit_event_actor_idx ON audit_event (actor, occurred_at);

-- An uploader lists their own inferences.
CREATE INDEX inference_user_idx ON inference (user_name, created_at, id);
