package org.crosstenant.invitation.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Issue #8 (tenant domains): ends live invitations whose invitee's domain the tenant registry no longer holds
 * ({@link InvitationService#endOutsideRegisteredDomains}). The registry is configuration, so it changes with a
 * deployment: at start the instance's registry is put in force (the newest start wins, so instances still on an older
 * registry during a rolling update end nothing by it) and the job runs at once, then every
 * {@code invitation.domain-sweep.interval}, so that an invitation filed meanwhile on an instance still running the
 * old registry ends too.
 */
@ApplicationScoped
public class RegisteredDomainSweep {

    private static final Logger LOG = Logger.getLogger(RegisteredDomainSweep.class);
    /** Longest wait at start for the registry to be put in force. */
    private static final java.time.Duration CLAIM_TIMEOUT = java.time.Duration.ofSeconds(60);

    private final InvitationService invitations;
    private final FreshContext freshContext;

    public RegisteredDomainSweep(InvitationService invitations, FreshContext freshContext) {
        this.invitations = invitations;
        this.freshContext = freshContext;
    }

    /**
     * At start: this instance's registry takes effect (it is the newest) before the start completes — a failure
     * fails the start, and the platform starts the service again — then the first sweep runs at once instead of one
     * interval later (its failure is logged; the timer tries again). Residual window: Quarkus may open its HTTP port
     * just before this observer runs, so a filing for a domain only this registry holds could be accepted a few
     * milliseconds before the claim, and an older instance's sweep in that window could end it.
     */
    void onStart(@Observes StartupEvent started) {
        freshContext.run(invitations::claimRegistryEpoch).await().atMost(CLAIM_TIMEOUT);
        freshContext.run(invitations::endOutsideRegisteredDomains).subscribe().with(ended -> {
        }, failure -> LOG.errorf(failure, "The first domain sweep failed; the timer sweeps again"));
    }

    @Scheduled(every = "{invitation.domain-sweep.interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> sweep() {
        return freshContext.run(invitations::endOutsideRegisteredDomains).replaceWithVoid();
    }
}
