package org.cxr.warehouse;

import com.mongodb.MongoClientSettings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WarehouseConfigTest
{
    @Test
    void defaultsToTheXRayDatabaseWithoutRetryableWrites()
    {
        WarehouseConfig config = WarehouseConfig.of("mongodb://localhost:27017");

        assertThat(config.database()).isEqualTo("x_ray");
        assertThat(config.usesTls()).isFalse();
        assertThat(config.caFile()).isEmpty();
        MongoClientSettings settings = WarehouseClients.settings(config);
        assertThat(settings.getRetryWrites()).isFalse();
        assertThat(settings.getSslSettings().isEnabled()).isFalse();
        assertThat(settings.getApplicationName()).isEqualTo("cxr-warehouse");
    }

    @Test
    void documentDbMeansTlsWithTheGivenCaBundleAndNoRetryableWritesWhateverTheConnectionStringSays()
    {
        WarehouseConfig config = WarehouseConfig.documentDb(
                "mongodb://cxr:secret@docdb.cluster-x.eu-west-1.docdb.amazonaws.com:27017/?replicaSet=rs0&readPreference=secondaryPreferred&retryWrites=true",
                Path.of("/etc/ssl/global-bundle.pem"));

        assertThat(config.tls()).isTrue();
        assertThat(config.caFile()).contains(Path.of("/etc/ssl/global-bundle.pem"));
        assertThat(config.retryWrites()).isFalse();
        assertThat(config.parsedConnectionString().getRetryWritesValue()).isTrue();
    }

    @Test
    void neverTurnsOffTlsTheConnectionStringAsksFor()
    {
        WarehouseConfig config = WarehouseConfig.of("mongodb://db.example:27017/?tls=true");

        assertThat(config.tls()).isFalse();
        assertThat(config.usesTls()).isTrue();
        assertThat(WarehouseClients.settings(config).getSslSettings().isEnabled()).isTrue();
    }

    @Test
    void refusesACaFileWithoutTls()
    {
        assertThatThrownBy(() -> WarehouseConfig.of("mongodb://localhost").withTls(false, Optional.of(Path.of("ca.pem"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TLS is off");
    }

    @Test
    void refusesDatabaseNamesMongoDbRefuses()
    {
        WarehouseConfig config = WarehouseConfig.of("mongodb://localhost");

        assertThat(config.withDatabase("x_ray_test").database()).isEqualTo("x_ray_test");
        assertThatThrownBy(() -> config.withDatabase("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config.withDatabase("x.ray")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config.withDatabase("x/ray")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void neverShowsThePassword()
    {
        WarehouseConfig config = WarehouseConfig.of("mongodb://cxr:p%40ss@db.example:27017/x_ray?authSource=admin");

        assertThat(config.toString())
                .contains("mongodb://cxr:***@db.example:27017/x_ray?authSource=admin")
                .doesNotContain("p%40ss");
        assertThatThrownBy(() -> WarehouseConfig.of("mongodb://cxr:secret@db.example:notaport"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("secret");
        assertThat(WarehouseConfig.redact("mongodb://db.example:27017")).isEqualTo("mongodb://db.example:27017");
    }
}
