package org.cxr.app.server;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Start-up work that needs nothing else (loading the model, starting the embedded warehouse) begins on a thread of its
 * own as soon as this is made, while the context goes on with the rest (the embedded database, migrations); the bean
 * that needs the result waits for it with {@link #get()}. Its failure is the start-up's failure, as if it had run in
 * line.
 *
 * <p>Closing it (the context does, when it stops or its start fails) waits for the work to end: a JVM that exits while
 * the work is in native code crashes there (ONNX Runtime, stopped while it makes the model's session, took the JVM
 * down with an error report instead of a clean stop).
 */
public final class Preloading<T>
        implements AutoCloseable
{
    /** Longer than the model's load and the embedded warehouse's start take; a stop is never held for ever. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(60);

    private final CompletableFuture<T> result;

    private Preloading(CompletableFuture<T> result)
    {
        this.result = result;
    }

    public static <T> Preloading<T> start(String name, Supplier<T> work)
    {
        requireNonNull(work, "work");
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(work.get());
            }
            catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        }, "preload-" + requireNonNull(name, "name"));
        thread.setDaemon(true);
        thread.start();
        return new Preloading<>(result);
    }

    public T get()
    {
        try {
            return result.join();
        }
        catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** Waits, at most {@link #CLOSE_WAIT}, for the work to end; what it made is closed by the bean that took it. */
    @Override
    public void close()
    {
        try {
            result.get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        catch (ExecutionException | TimeoutException e) {
            // Failed: its failure is the start-up's, reported there. Still running after the wait: the stop goes on.
        }
    }
}
