package org.cxr.app.audit;

import org.cxr.lake.sql.Database;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

/** The audit log, for the server and for the pipeline commands alike. */
@Configuration(proxyBeanMethods = false)
public class AuditConfiguration
{
    @Bean
    AuditLog auditLog(Database database)
    {
        return new AuditLog(database, Clock.systemUTC());
    }

    @Bean
    Audit audit(AuditLog auditLog)
    {
        return new Audit(auditLog);
    }
}
