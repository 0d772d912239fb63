package org.cxr.app;

import org.cxr.app.sweep.SweepContext;
import org.cxr.app.sweep.SweepJob;
import org.cxr.lake.store.StoredObject;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Delete image objects that a crash left without metadata and that are older than the grace period (cxr.sweep.grace).")
final class SweepCommand
        implements Callable<Integer>
{
    @Override
    public Integer call()
    {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SweepContext.class)
                .web(WebApplicationType.NONE)
                .properties("spring.main.banner-mode=off", "logging.level.root=WARN",
                        "management.endpoint.health.validate-group-membership=false")
                .run()) {
            List<StoredObject> deleted = context.getBean(SweepJob.class).run();
            deleted.forEach(o -> System.out.println("deleted " + o.key()));
            System.out.println("Sweep deleted " + deleted.size() + " orphan object(s).");
            return 0;
        }
    }
}
