package org.crosstenant.audit.messaging;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * Runs a relay's drain at most once at a time in this JVM: a {@link #trigger()} while a drain runs asks for one more
 * pass right after it (what was committed meanwhile is not left for the timer), never for a second concurrent one.
 */
final class OneDrainAtATime {

    private final Supplier<Uni<?>> drain;
    private final Consumer<Throwable> onFailure;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    /**
     * @param drain     one pass (publishes what is pending)
     * @param onFailure told of a failed pass (the relay's timer retries)
     */
    OneDrainAtATime(Supplier<Uni<?>> drain, Consumer<Throwable> onFailure) {
        this.drain = drain;
        this.onFailure = onFailure;
    }

    /** Starts a pass now, or asks the running one for another pass after it; never waits. */
    void trigger() {
        again.set(true);
        if (running.compareAndSet(false, true)) {
            again.set(false);
            drain.get().subscribe().with(done -> finished(), failure -> {
                onFailure.accept(failure);
                finished();
            });
        }
    }

    private void finished() {
        running.set(false);
        if (again.get()) {
            trigger();
        }
    }
}
