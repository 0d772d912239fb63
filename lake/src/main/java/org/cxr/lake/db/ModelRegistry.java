package org.cxr.lake.db;

import org.cxr.lake.ModelVersion;
import org.cxr.lake.errors.ConflictException;
import org.cxr.lake.sql.Database;
import org.springframework.dao.DuplicateKeyException;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** The {@code model_version} table: every model that has stored inferences, with its classes. */
public final class ModelRegistry
{
    private static final String SELECT = "SELECT " + LakeColumns.modelVersion("m") + " FROM model_version m";

    private final Database database;
    private final LakeColumns columns;
    private final Clock clock;

    public ModelRegistry(Database database, Clock clock)
    {
        this.database = requireNonNull(database, "database");
        this.columns = new LakeColumns(database.dialect());
        this.clock = requireNonNull(clock, "clock");
    }

    public ModelVersion register(String name, String version, List<String> classNames)
    {
        return register(name, version, classNames, clock.instant());
    }

    /** Registers the model as first seen at that time, unless it is registered; either way checks its classes. */
    public ModelVersion register(String name, String version, List<String> classNames, Instant registeredAt)
    {
        requireNonNull(name, "name");
        requireNonNull(version, "version");
        List<String> classes = List.copyOf(requireNonNull(classNames, "classNames"));
        Optional<ModelVersion> known = find(name, version);
        if (known.isEmpty()) {
            try {
                database.jdbc().sql("INSERT INTO model_version (name, version, class_names, registered_at) VALUES (:name, :version, :classNames, :registeredAt)")
                        .param("name", name)
                        .param("version", version)
                        .param("classNames", LakeColumns.classNamesJson(classes))
                        .param("registeredAt", database.dialect().timestamp(registeredAt))
                        .update();
            }
            catch (DuplicateKeyException e) {
                // Another instance registered it meanwhile; what it registered is checked below like any other.
            }
            known = find(name, version);
        }
        ModelVersion registered = known.orElseThrow(() -> new IllegalStateException("model " + name + "@" + version + " vanished after it was registered"));
        if (!registered.classNames().equals(classes)) {
            throw new ConflictException("model_version_conflict", "The model " + registered.key() + " was registered on " + registered.registeredAt()
                    + " with the classes " + registered.classNames() + ", but this one has " + classes + ". A model with other classes needs a version"
                    + " of its own (change \"version\" in its manifest.json), so that the class ids of earlier boxes keep their names.");
        }
        return registered;
    }

    public Optional<ModelVersion> find(String name, String version)
    {
        return database.jdbc().sql(SELECT + " WHERE m.name = :name AND m.version = :version")
                .param("name", name)
                .param("version", version)
                .query((resultSet, row) -> columns.modelVersion(resultSet))
                .optional();
    }

    public List<ModelVersion> all()
    {
        return database.jdbc().sql(SELECT + " ORDER BY m.id").query((resultSet, row) -> columns.modelVersion(resultSet)).list();
    }
}
