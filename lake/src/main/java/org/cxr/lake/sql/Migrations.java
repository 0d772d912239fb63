package org.cxr.lake.sql;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.CoreErrorCode;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.ValidateOutput;
import org.flywaydb.core.api.output.ValidateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Flyway over the lake's migrations and those of the modules that keep their own tables in its database, as one
 * sequence of versions.
 *
 * <p>Until the application's tables moved to the application's own migrations, version 3 (users, tokens, audit) was
 * the lake's and also created the lake's index {@code inference_user_idx}; the lake now creates that index in version
 * 4. A database migrated before the move holds version 3 with the checksum of the old file, which Flyway would refuse.
 * Such a database is recognised by exactly that checksum and brought in line once: the recorded checksum follows the
 * moved file, and the index is dropped so that version 4 creates it again. Any other mismatch is refused as always.
 */
final class Migrations
{
    static final String LAKE_MIGRATIONS = "classpath:db/lake";

    private static final Logger log = LoggerFactory.getLogger(Migrations.class);

    /** The checksums Flyway recorded for version 3 when it still created {@code inference_user_idx}. */
    private static final Map<SqlDialect, Integer> PRE_SPLIT_V3_CHECKSUMS = Map.of(
            SqlDialect.POSTGRESQL, -2099077687,
            SqlDialect.MYSQL, 756299289);

    private Migrations() {}

    static void migrate(Database database, List<String> moduleMigrations)
    {
        List<String> locations = new ArrayList<>();
        locations.add(database.dialect().migrationLocation(LAKE_MIGRATIONS));
        moduleMigrations.forEach(base -> locations.add(database.dialect().migrationLocation(base)));
        FluentConfiguration configuration = Flyway.configure()
                .dataSource(database.dataSource())
                .locations(locations.toArray(String[]::new));
        // Validated as migrate validates: migrations not applied yet are what it is about to apply, not a problem.
        alignPreSplitVersion3(database, new FluentConfiguration().configuration(configuration).ignoreMigrationPatterns("*:pending").load());
        configuration.load().migrate();
    }

    private static void alignPreSplitVersion3(Database database, Flyway flyway)
    {
        ValidateResult validation = flyway.validateWithResult();
        if (validation.validationSuccessful || validation.invalidMigrations.size() != 1) {
            return;
        }
        ValidateOutput invalid = validation.invalidMigrations.get(0);
        if (!"3".equals(invalid.version) || invalid.errorDetails == null || invalid.errorDetails.errorCode != CoreErrorCode.CHECKSUM_MISMATCH) {
            return;
        }
        Integer recorded = database.jdbc().sql("SELECT checksum FROM flyway_schema_history WHERE version = '3'").query(Integer.class).single();
        if (!PRE_SPLIT_V3_CHECKSUMS.get(database.dialect()).equals(recorded)) {
            return;
        }
        log.info("Bringing a database migrated before the application's tables moved to their own migrations in line (version 3)");
        database.inTransaction(() -> database.jdbc().sql(switch (database.dialect()) {
            case POSTGRESQL -> "DROP INDEX IF EXISTS inference_user_idx";
            case MYSQL -> "DROP INDEX inference_user_idx ON inference";
        }).update());
        // Realigns the recorded checksum of version 3 with the moved file: the only mismatch, as checked above.
        flyway.repair();
    }
}
