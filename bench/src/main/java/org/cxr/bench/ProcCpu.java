package org.cxr.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU times from Linux's {@code /proc}: those of this JVM's JIT compiler and garbage collector threads, which HotSpot
 * names there ("C2 CompilerThread0", "GC Thread#0", "G1 Conc#0") and the management beans do not show, and the
 * machine's steal time; and this JVM's whole CPU time, which the management beans do give. Only threads alive at the
 * second reading count: a compiler thread that HotSpot stopped meanwhile is missing from it.
 */
final class ProcCpu
{
    // USER_HZ: the unit of /proc's CPU times on every Linux this runs on.
    private static final double TICKS_PER_SECOND = 100;

    private final Map<String, Long> jitTicks;
    private final Map<String, Long> gcTicks;

    private ProcCpu(Map<String, Long> jitTicks, Map<String, Long> gcTicks)
    {
        this.jitTicks = Map.copyOf(jitTicks);
        this.gcTicks = Map.copyOf(gcTicks);
    }

    static ProcCpu now()
    {
        Map<String, Long> jit = new HashMap<>();
        Map<String, Long> gc = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    String stat = Files.readString(task.resolve("stat"));
                    // The fields after the thread's name, which may hold spaces and ends at the last parenthesis.
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    String id = task.getFileName().toString();
                    if (name.contains("CompilerThre")) {
                        jit.put(id, ticks);
                    }
                    else if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
                        gc.put(id, ticks);
                    }
                }
                catch (NoSuchFileException e) {
                    // The thread ended while the tasks were listed.
                }
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot read this JVM's threads from /proc/self/task", e);
        }
        return new ProcCpu(jit, gc);
    }

    /** The CPU time of this JVM's threads so far (the work's, the JIT's and the collector's), not of the servers it talks to. */
    static long processNanos()
    {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** The machine's steal time so far, over all its cores: what the host of a virtual machine ran elsewhere. */
    static double machineStealSeconds()
    {
        try {
            // The first line of /proc/stat: "cpu  user nice system idle iowait irq softirq steal ...".
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            return Long.parseLong(fields[8]) / TICKS_PER_SECOND;
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot read /proc/stat", e);
        }
    }

    /** The JIT's CPU seconds since {@code start}. */
    double jitSecondsSince(ProcCpu start)
    {
        return since(jitTicks, start.jitTicks);
    }

    /** The collector's CPU seconds since {@code start}. */
    double gcSecondsSince(ProcCpu start)
    {
        return since(gcTicks, start.gcTicks);
    }

    private static double since(Map<String, Long> now, Map<String, Long> start)
    {
        long ticks = 0;
        for (Map.Entry<String, Long> thread : now.entrySet()) {
            ticks += thread.getValue() - start.getOrDefault(thread.getKey(), 0L);
        }
        return ticks / TICKS_PER_SECOND;
    }
}
