package org.cxr.app;

import org.cxr.app.server.CxrApplication;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Start the web application (page, HTTP API, scheduled jobs). The default command.")
final class ServeCommand
        implements Callable<Integer>
{
    @Option(names = "--port", paramLabel = "N", description = "HTTP port (default: $SERVER_PORT, else 8080).")
    Integer port;

    @Override
    public Integer call()
    {
        List<String> args = new ArrayList<>();
        if (port != null) {
            args.add("--server.port=" + port);
        }
        CxrApplication.start(args.toArray(String[]::new));
        // The server's threads keep the JVM alive; the caller must not exit.
        return -1;
    }
}
