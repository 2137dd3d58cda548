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

    private final InvitationService invitations;
    private final FreshContext freshContext;

    public RegisteredDomainSweep(InvitationService invitations, FreshContext freshContext) {
        this.invitations = invitations;
        this.freshContext = freshContext;
    }

    /**
     * At start: this instance's registry takes effect (it is the newest), then the first sweep runs at once instead
     * of one interval later. A failure is logged; the timer's next sweep tries again (the registry then stays the
     * previous one's until a restart: logged).
     */
    void onStart(@Observes StartupEvent started) {
        freshContext.run(() -> invitations.claimRegistryEpoch().chain(invitations::endOutsideRegisteredDomains))
                .subscribe().with(ended -> {
                }, failure -> LOG.errorf(failure, "The tenant registry could not be put in force at start"));
    }

    @Scheduled(every = "{invitation.domain-sweep.interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> sweep() {
        return freshContext.run(invitations::endOutsideRegisteredDomains).replaceWithVoid();
    }
}
