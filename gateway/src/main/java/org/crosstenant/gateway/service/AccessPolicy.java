package org.crosstenant.gateway.service;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.crosstenant.gateway.model.AccessDecision;
import org.crosstenant.gateway.model.FederatedIdentity;
import org.crosstenant.gateway.repository.LocalView;

/** Who may reach a registered application: its own tenant's members, and guests with an active grant. */
@ApplicationScoped
public class AccessPolicy {

    private final LocalView view;
    private final Clock clock;

    @Inject
    public AccessPolicy(LocalView view) {
        this(view, Clock.systemUTC());
    }

    AccessPolicy(LocalView view, Clock clock) {
        this.view = view;
        this.clock = clock;
    }

    public AccessDecision decide(FederatedIdentity caller, String resourceTenant, String application) {
        if (caller.tenant().equals(resourceTenant)) {
            return AccessDecision.member();
        }
        Instant now = clock.instant();
        return view.activeGrant(caller.tenant(), caller.subject(), resourceTenant, application, now)
                .map(g -> AccessDecision.guest(g.invitationId()))
                .orElseGet(() -> AccessDecision.denied("no active guest grant for " + caller.tenant()
                        + " subject on " + resourceTenant + "/" + application));
    }
}
