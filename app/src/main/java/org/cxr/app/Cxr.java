package org.cxr.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cxr} command line: one entry point for every stage of the platform. */
@Command(name = "cxr",
        mixinStandardHelpOptions = true,
        version = "cxr 0.1.0",
        description = "Chest X-ray abnormality detection platform.",
        subcommands = {ServeCommand.class, SynthCommand.class, DetectCommand.class, EvaluateCommand.class,
                PipelineCommands.BackupCommand.class, PipelineCommands.RestoreCommand.class, PipelineCommands.WarehouseCommand.class,
                PipelineCommands.DataMartCommand.class, PipelineCommands.ReconcileCommand.class, SweepCommand.class})
public final class Cxr
{
    public static void main(String[] args)
    {
        // No command means: serve.
        int code = commandLine().execute(args.length == 0 ? new String[] {"serve"} : args);
        if (code != -1) {
            System.exit(code);
        }
    }

    static CommandLine commandLine()
    {
        CommandLine commandLine = new CommandLine(new Cxr());
        // Bad input is the user's to fix: print the message, not a stack trace.
        commandLine.setExecutionExceptionHandler((e, cl, parseResult) -> {
            Throwable reason = e;
            // Spring wraps a failed start-up in bean-creation errors; the user needs the innermost reason.
            while (reason instanceof org.springframework.beans.BeansException && reason.getCause() != null) {
                reason = reason.getCause();
            }
            cl.getErr().println("cxr: " + (reason.getMessage() == null ? reason.toString() : reason.getMessage()));
            return 2;
        });
        return commandLine;
    }
}
