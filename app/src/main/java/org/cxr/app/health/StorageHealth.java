package org.cxr.app.health;

import org.cxr.detector.Detector;
import org.cxr.lake.sql.Database;
import org.cxr.lake.store.ObjectStore;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;
import java.util.Optional;

/**
 * Readiness of what an upload needs: the model loaded, the database answering, the bucket reachable. Shown at
 * {@code /actuator/health} (and in the readiness group). Messages name the failing part, never credentials.
 */
@Configuration(proxyBeanMethods = false)
class StorageHealth
{
    @Bean
    HealthIndicator modelHealthIndicator(Detector detector)
    {
        return () -> Health.up()
                .withDetail("name", detector.manifest().name())
                .withDetail("version", detector.manifest().version())
                .build();
    }

    @Bean
    HealthIndicator databaseHealthIndicator(Database database)
    {
        return () -> (database.isReachable(Duration.ofSeconds(2)) ? Health.up() : Health.down())
                .withDetail("dialect", database.dialect().name())
                .build();
    }

    @Bean
    HealthIndicator objectStoreHealthIndicator(ObjectStore store)
    {
        return () -> {
            try {
                store.list("images/", Optional.empty(), 1);
                return Health.up().withDetail("bucket", store.bucket()).build();
            }
            catch (RuntimeException e) {
                return Health.down().withDetail("bucket", store.bucket()).withDetail("error", "object store unreachable: " + e.getClass().getSimpleName()).build();
            }
        };
    }
}
