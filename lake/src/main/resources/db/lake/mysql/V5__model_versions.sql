-- The models whose inferences the lake holds: each name and version once, with its classes in class-id order (a JSON
-- array of names), so that the class id of a box can be read as its model's class whichever model serves now.
CREATE TABLE model_version (
    id            BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name          VARCHAR(200) NOT NULL,
    version       VARCHAR(200) NOT NULL,
    class_names   TEXT         NOT NULL,
    registered_at DATETIME(6)  NOT NULL,
    CONSTRAINT model_version_unique UNIQUE (name, version)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
