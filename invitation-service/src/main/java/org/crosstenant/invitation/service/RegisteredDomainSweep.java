package org.crosstenant.invitation.service;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Issue #8 (tenant domains): ends live invitations whose invitee's domain the tenant registry no longer holds
 * ({@link InvitationService#endOutsideRegisteredDomains}). The registry is configuration, so it changes with a
 * deployment: the job runs as soon as the service starts and then every {@code invitation.domain-sweep.interval}, so
 * that an invitation filed on an instance still running the old configuration during a rolling update ends too.
 */
@ApplicationScoped
public class RegisteredDomainSweep {

    private final InvitationService invitations;
    private final FreshContext freshContext;

    public RegisteredDomainSweep(InvitationService invitations, FreshContext freshContext) {
        this.invitations = invitations;
        this.freshContext = freshContext;
    }

    @Scheduled(every = "{invitation.domain-sweep.interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> sweep() {
        return freshContext.run(invitations::endOutsideRegisteredDomains).replaceWithVoid();
    }
}
