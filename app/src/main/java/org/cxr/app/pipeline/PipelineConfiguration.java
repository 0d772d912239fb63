package org.cxr.app.pipeline;

import org.cxr.app.server.CxrProperties;
import org.cxr.app.server.Preloading;
import org.cxr.backup.Backup;
import org.cxr.backup.BackupOptions;
import org.cxr.datamart.DataMartExport;
import org.cxr.datamart.DataMartOptions;
import org.cxr.lake.pipeline.PipelineRuns;
import org.cxr.lake.sql.Database;
import org.cxr.lake.store.ObjectStore;
import org.cxr.lake.store.ObjectStoreConfig;
import org.cxr.warehouse.Warehouse;
import org.cxr.warehouse.WarehouseOptions;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** The three stages after Stage 2, their run history and lease, and their schedules. */
@Configuration(proxyBeanMethods = false)
public class PipelineConfiguration
{
    /** The embedded warehouse starts (or an external one is connected to) beside the rest of the start-up. */
    @Bean
    static Preloading<WarehouseConnection> warehouseStarting(CxrProperties properties)
    {
        return Preloading.start("warehouse", () -> WarehouseConnection.open(properties));
    }

    @Bean(destroyMethod = "close")
    WarehouseConnection warehouseConnection(Preloading<WarehouseConnection> warehouseStarting)
    {
        return warehouseStarting.get();
    }

    @Bean(destroyMethod = "close")
    S3Client dataMartS3Client(ObjectStoreConfig config)
    {
        return ObjectStore.createClient(config);
    }

    @Bean
    BackupOptions backupOptions(CxrProperties properties)
    {
        return BackupOptions.defaults().withSettleDelay(properties.pipelines().settle());
    }

    @Bean
    List<StageTask> stageTasks(CxrProperties properties, Database database, ObjectStore store, BackupOptions backupOptions,
            WarehouseConnection warehouse, S3Client dataMartS3Client, Path dataMartDirectory)
    {
        Clock clock = Clock.systemUTC();
        Path dataMart = dataMartDirectory;
        return List.of(
                new BackupTask(new Backup(database, store, backupOptions, clock)),
                new WarehouseTask(new Warehouse(database, warehouse.database(),
                        WarehouseOptions.defaults().withSettleDelay(properties.pipelines().settle()), clock)),
                new DataMartTask(new DataMartExport(warehouse.database().getCollection(DataMartExport.DEFAULT_COLLECTION), dataMartS3Client,
                        DataMartOptions.defaults().withTrainRatio(properties.pipelines().datamart().trainRatio())), dataMart));
    }

    @Bean
    Path dataMartDirectory(CxrProperties properties)
    {
        String configured = properties.pipelines().datamart().directory();
        return configured == null || configured.isBlank() ? properties.dataDir().resolve("datamart") : Path.of(configured);
    }

    @Bean
    Reconciliation reconciliation(Database database, ObjectStore store, BackupOptions backupOptions, WarehouseConnection warehouse, Path dataMartDirectory)
    {
        return new Reconciliation(database, store, backupOptions, warehouse, dataMartDirectory);
    }

    @Bean(destroyMethod = "close")
    PipelineService pipelineService(List<StageTask> stageTasks, Database database, CxrProperties properties)
    {
        return new PipelineService(stageTasks, new PipelineRuns(database, Clock.systemUTC()),
                new PipelineService.RetrySettings(properties.pipelines().attempts(), properties.pipelines().retryDelay()));
    }

    /** Registers each stage's cron; "-" means manual runs only. */
    @Bean
    SchedulingConfigurer pipelineSchedules(PipelineService pipelines, CxrProperties properties)
    {
        return (ScheduledTaskRegistrar registrar) -> {
            CxrProperties.Pipelines p = properties.pipelines();
            schedule(registrar, Stage.BACKUP, p.backup().cron(), pipelines);
            schedule(registrar, Stage.WAREHOUSE, p.warehouse().cron(), pipelines);
            schedule(registrar, Stage.DATAMART, p.datamart().cron(), pipelines);
        };
    }

    private static void schedule(ScheduledTaskRegistrar registrar, Stage stage, String cron, PipelineService pipelines)
    {
        if (cron == null || cron.isBlank() || cron.equals("-")) {
            return;
        }
        PipelineSchedule schedule = new PipelineSchedule(stage, cron, pipelines, Clock.systemUTC());
        registrar.addCronTask(schedule::fire, cron);
    }
}
