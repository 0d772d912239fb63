package org.cxr.app.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Start-up work that needs nothing else (loading the model, starting the embedded warehouse) begins on a thread of its
 * own as soon as this is made, while the context goes on with the rest (the embedded database, migrations); the bean
 * that needs the result waits for it with {@link #get()}. Its failure is the start-up's failure, as if it had run in
 * line.
 */
public final class Preloading<T>
{
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
}
