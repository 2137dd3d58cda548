package org.crosstenant.invitation.service;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

/**
 * Runs background rounds one at a time on a fresh Vert.x context ({@link FreshContext}); triggers that arrive while a
 * round runs coalesce into one more round, never one round each. Used by the outbox relay and the SSF push worker.
 */
public final class CoalescingRounds {

    private final FreshContext freshContext;
    private final Supplier<Uni<Boolean>> round;
    private final Logger log;
    private final String failureMessage;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    /**
     * @param round          one round; its item says whether more work may be due at once (e.g. the batch was full)
     * @param log            where a failed round is logged (WARN)
     * @param failureMessage the log message of a failed round
     */
    public CoalescingRounds(FreshContext freshContext, Supplier<Uni<Boolean>> round, Logger log,
            String failureMessage) {
        this.freshContext = freshContext;
        this.round = round;
        this.log = log;
        this.failureMessage = failureMessage;
    }

    /** Asks for a round soon; never blocks and never fails the caller (a timer retries). */
    public void trigger() {
        again.set(true);
        if (!running.compareAndSet(false, true)) {
            return;
        }
        again.set(false);
        freshContext.run(round).subscribe().with(needsAnother -> {
            running.set(false);
            // a trigger that arrived meanwhile (a commit after this round's select) needs its own round
            if (needsAnother || again.get()) {
                trigger();
            }
        }, failure -> {
            running.set(false);
            log.warnf(failure, failureMessage);
        });
    }
}
