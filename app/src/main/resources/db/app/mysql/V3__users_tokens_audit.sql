-- People who may sign in. Passwords are stored as one-way hashes with their algorithm prefix ({bcrypt}...).
CREATE TABLE app_user (
    id            BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    username      VARCHAR(64)  NOT NULL,
    password_hash VARCHAR(200) NOT NULL,
    enabled       BOOLEAN      NOT NULL,
    created_at    DATETIME(6)  NOT NULL,
    -- Wrong passwords in a row, and until when the account refuses passwords after too many.
    failed_sign_ins INT        NOT NULL DEFAULT 0,
    locked_until  DATETIME(6),
    CONSTRAINT app_user_username_unique UNIQUE (username)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- A user holds one or more roles: uploader, radiologist, data engineer, admin.
CREATE TABLE app_user_role (
    user_id BIGINT      NOT NULL,
    role    VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    PRIMARY KEY (user_id, role),
    CONSTRAINT app_user_role_user_fk FOREIGN KEY (user_id) REFERENCES app_user (id) ON DELETE CASCADE,
    CONSTRAINT app_user_role_known CHECK (role IN ('UPLOADER', 'RADIOLOGIST', 'DATA_ENGINEER', 'ADMIN'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Personal API tokens for scripts and Airflow. Only the SHA-256 of a token is kept: the token is shown once.
CREATE TABLE api_token (
    id           BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id      BIGINT       NOT NULL,
    name         VARCHAR(100) NOT NULL,
    token_sha256 CHAR(64)     CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    created_at   DATETIME(6)  NOT NULL,
    last_used_at DATETIME(6),
    revoked_at   DATETIME(6),
    CONSTRAINT api_token_user_fk FOREIGN KEY (user_id) REFERENCES app_user (id),
    CONSTRAINT api_token_sha256_unique UNIQUE (token_sha256),
    INDEX api_token_user_idx (user_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Who did what, when, from where: append-only, never updated.
CREATE TABLE audit_event (
    id             BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    occurred_at    DATETIME(6)   NOT NULL,
    actor          VARCHAR(64)   NOT NULL,
    action         VARCHAR(64)   NOT NULL,
    target         VARCHAR(300),
    outcome        VARCHAR(16)   NOT NULL,
    remote_address VARCHAR(64),
    detail         VARCHAR(1000),
    CONSTRAINT audit_event_outcome CHECK (outcome IN ('SUCCESS', 'DENIED', 'FAILURE')),
    INDEX audit_event_occurred_idx (occurred_at, id),
    INDEX audit_event_actor_idx (actor, occurred_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
