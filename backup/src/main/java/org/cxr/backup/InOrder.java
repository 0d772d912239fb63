package org.cxr.backup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;

/** Tasks run a few at a time, on threads of their own; their results come back in the tasks' order. */
final class InOrder
{
    private InOrder() {}

    /**
     * The tasks' results in their order, or the first failure in that order, thrown as the task threw it; the tasks
     * still running are then interrupted.
     */
    static <T> List<T> run(List<Callable<T>> tasks, int threads, ThreadFactory threadFactory)
    {
        if (tasks.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, tasks.size()), threadFactory);
        try {
            List<Future<T>> futures = new ArrayList<>(tasks.size());
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(task));
            }
            List<T> results = new ArrayList<>(tasks.size());
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        }
        catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new BackupException("A backup task failed", e.getCause());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupException("The backup was interrupted");
        }
        finally {
            pool.shutdownNow();
        }
    }
}
