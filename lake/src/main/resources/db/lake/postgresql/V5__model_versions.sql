-- The models whose inferences the lake holds: each name and version once, with its classes in class-id order (a JSON
-- array of names), so that the class id of a box can be read as its model's class whichever model serves now.
CREATE TABLE model_version (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          varchar(200) NOT NULL,
    version       varchar(200) NOT NULL,
    class_names   text         NOT NULL,
    registered_at timestamptz  NOT NULL,
    CONSTRAINT model_version_unique UNIQUE (name, version)
);
