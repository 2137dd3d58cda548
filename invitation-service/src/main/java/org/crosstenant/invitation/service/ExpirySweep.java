package org.crosstenant.invitation.service;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/** Periodically expires open invitations past their expiry (stale invitations must not pile up). */
@ApplicationScoped
public class ExpirySweep {

    private final InvitationService invitations;
    private final FreshContext freshContext;

    public ExpirySweep(InvitationService invitations, FreshContext freshContext) {
        this.invitations = invitations;
        this.freshContext = freshContext;
    }

    @Scheduled(every = "{invitation.expiry-sweep.interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> sweep() {
        return freshContext.run(invitations::expireDue).replaceWithVoid();
    }
}
