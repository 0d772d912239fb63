package org.cxr.bench;

import org.cxr.lake.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * A job run as a process of its own and measured from outside, as the kernel counts it: wall time, peak resident set
 * size and CPU time from {@code /usr/bin/time -v}, and the CPU time the shared servers spent meanwhile (the JVM of the
 * S3 server and the warehouse, {@link PipelineServers}; PostgreSQL's processes). {@link PeerBenchmark} and
 * {@link SparkBenchmark} measure their jobs this way.
 */
final class TimedProcess
{
    private static final String TIME = "/usr/bin/time";
    private static final double CLOCK_TICKS = 100.0;

    private final Path work;
    private final Optional<Long> serversPid;
    private final EmbeddedPostgres postgres;

    /** Files of each run (its output, errors, time report) go to {@code work}. */
    TimedProcess(Path work, Optional<Long> serversPid, EmbeddedPostgres postgres)
    {
        this.work = requireNonNull(work, "work");
        this.serversPid = requireNonNull(serversPid, "serversPid");
        this.postgres = requireNonNull(postgres, "postgres");
    }

    /** What the process printed on stdout, and what it cost. */
    record Measured(String output, double wallSeconds, double maxRssMb, double cpuSeconds, double serversCpuSeconds, double postgresCpuSeconds) {}

    /** Runs the command with the environment added to this one's; throws if it exits with another code than 0. */
    Measured run(String label, List<String> command, Map<String, String> environment)
            throws IOException, InterruptedException
    {
        String file = label.replaceAll("[^A-Za-z0-9]+", "-");
        Path timeFile = work.resolve(file + ".time");
        Path out = work.resolve(file + ".out");
        Path err = work.resolve(file + ".err");
        List<String> timed = new ArrayList<>(List.of(TIME, "-v", "-o", timeFile.toString()));
        timed.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(timed).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(environment);
        double serversBefore = serversPid.map(TimedProcess::cpuSeconds).orElse(0.0);
        double postgresBefore = postgresCpuSeconds();
        int exit = builder.start().waitFor();
        double serversCpu = serversPid.map(TimedProcess::cpuSeconds).orElse(0.0) - serversBefore;
        double postgresCpu = postgresCpuSeconds() - postgresBefore;
        String output = Files.readString(out, StandardCharsets.UTF_8).strip();
        if (exit != 0) {
            throw new IllegalStateException(label + " exited with " + exit + ":\n" + output + "\n" + tail(Files.readString(err, StandardCharsets.UTF_8), 20_000));
        }
        Map<String, String> time = timeReport(timeFile);
        return new Measured(output, wallSeconds(time.get("Elapsed (wall clock) time (h:mm:ss or m:ss)")),
                Double.parseDouble(time.get("Maximum resident set size (kbytes)")) / 1024,
                Double.parseDouble(time.get("User time (seconds)")) + Double.parseDouble(time.get("System time (seconds)")), serversCpu, postgresCpu);
    }

    static String loadAverage()
    {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        }
        catch (IOException e) {
            return "?";
        }
    }

    private static String tail(String text, int chars)
    {
        return text.length() <= chars ? text : "..." + text.substring(text.length() - chars);
    }

    private static Map<String, String> timeReport(Path file)
            throws IOException
    {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int colon = line.lastIndexOf(": ");
            if (colon > 0) {
                values.put(line.substring(0, colon).strip(), line.substring(colon + 2).strip());
            }
        }
        return values;
    }

    /** "1:02:03.45", "2:03.45" or "3.45" seconds. */
    private static double wallSeconds(String elapsed)
    {
        double seconds = 0;
        for (String part : requireNonNull(elapsed, "elapsed").split(":")) {
            seconds = seconds * 60 + Double.parseDouble(part);
        }
        return seconds;
    }

    /** User and system CPU seconds of a live process (and of its children it has waited for). */
    private static double cpuSeconds(long pid)
    {
        String[] fields = stat(pid);
        if (fields == null) {
            return 0;
        }
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12]) + Long.parseLong(fields[13]) + Long.parseLong(fields[14])) / CLOCK_TICKS;
    }

    /** The postmaster (with the backends that have exited) and its live processes: backends, checkpointer, WAL writer. */
    private double postgresCpuSeconds()
    {
        try {
            long postmaster = Long.parseLong(Files.readAllLines(postgres.dataDirectory().resolve("postmaster.pid")).get(0).strip());
            double total = cpuSeconds(postmaster);
            try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
                for (Path process : processes.filter(path -> path.getFileName().toString().matches("[0-9]+")).toList()) {
                    String[] fields = stat(Long.parseLong(process.getFileName().toString()));
                    if (fields != null && Long.parseLong(fields[1]) == postmaster) {
                        total += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / CLOCK_TICKS;
                    }
                }
            }
            return total;
        }
        catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The fields of /proc/PID/stat after the command name (index 0 is the state), or null if the process is gone. */
    private static String[] stat(long pid)
    {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        }
        catch (IOException e) {
            return null;
        }
    }
}
