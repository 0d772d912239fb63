package org.cxr.app.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The web application: the page, the HTTP API and the scheduled jobs, on one Spring context. */
@SpringBootApplication(scanBasePackages = "org.cxr.app")
@ConfigurationPropertiesScan("org.cxr.app")
@EnableScheduling
public class CxrApplication
{
    public static ConfigurableApplicationContext start(String... args)
    {
        return SpringApplication.run(CxrApplication.class, args);
    }
}
