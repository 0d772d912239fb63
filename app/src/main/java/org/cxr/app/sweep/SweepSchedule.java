package org.cxr.app.sweep;

import org.cxr.app.server.CxrProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.SchedulingConfigurer;

/** The server sweeps on its own schedule; {@code ./cxr sweep} runs the same job once. */
@Configuration(proxyBeanMethods = false)
class SweepSchedule
{
    @Bean
    SchedulingConfigurer sweepCron(SweepJob job, CxrProperties properties)
    {
        return registrar -> registrar.addCronTask(job::scheduled, properties.sweep().cron());
    }
}
