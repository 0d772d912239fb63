package org.cxr.lake.sql;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlDialectTest
{
    @Test
    void choosesTheDialectFromTheJdbcUrl()
    {
        assertThat(SqlDialect.fromJdbcUrl("jdbc:postgresql://db.example:5432/lake")).isEqualTo(SqlDialect.POSTGRESQL);
        assertThat(SqlDialect.fromJdbcUrl("jdbc:mysql://db.example:3306/x_ray")).isEqualTo(SqlDialect.MYSQL);
        assertThat(SqlDialect.fromJdbcUrl("jdbc:mariadb://localhost/lake")).isEqualTo(SqlDialect.MYSQL);
    }

    @Test
    void refusesOtherDatabasesWithoutEchoingTheirParameters()
    {
        assertThatThrownBy(() -> SqlDialect.fromJdbcUrl("jdbc:h2:mem:x?password=secret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("secret");
    }

    @Test
    void readsEachModulesMigrationsFromTheFolderOfItsFamily()
    {
        assertThat(SqlDialect.POSTGRESQL.migrationLocation("classpath:db/lake")).isEqualTo("classpath:db/lake/postgresql");
        assertThat(SqlDialect.MYSQL.migrationLocation("classpath:db/app")).isEqualTo("classpath:db/app/mysql");
    }

    @Test
    void writesTimestampsAsUtcAtMicrosecondPrecision()
    {
        Instant instant = Instant.parse("2031-03-04T05:06:07.123456789Z");

        assertThat(SqlDialect.POSTGRESQL.timestamp(instant)).isEqualTo(OffsetDateTime.of(2031, 3, 4, 5, 6, 7, 123_456_000, ZoneOffset.UTC));
        assertThat(SqlDialect.MYSQL.timestamp(instant)).isEqualTo(LocalDateTime.of(2031, 3, 4, 5, 6, 7, 123_456_000));
    }
}
