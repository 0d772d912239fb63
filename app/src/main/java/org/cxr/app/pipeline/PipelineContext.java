package org.cxr.app.pipeline;

import org.cxr.app.audit.AuditConfiguration;
import org.cxr.app.lake.LakeConfiguration;
import org.cxr.app.server.CxrProperties;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** Just enough of the application for the pipeline commands: configuration, lake, stages; no web server, no model. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CxrProperties.class)
@EnableAutoConfiguration
@Import({LakeConfiguration.class, PipelineConfiguration.class, AuditConfiguration.class})
public class PipelineContext
{
}
