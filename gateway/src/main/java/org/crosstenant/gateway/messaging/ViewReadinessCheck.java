package org.crosstenant.gateway.messaging;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.gateway.repository.LocalView;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the replay of both topics reached the end offsets seen at start: the view is then complete. */
@Readiness
@ApplicationScoped
public class ViewReadinessCheck implements HealthCheck {

    /** The channels whose replay must have caught up before the view may answer (also gates /apps). */
    public static final Set<String> CHANNELS = Set.of(ViewRebalanceListeners.POLICY_CHANNEL,
            ViewRebalanceListeners.INVITATION_CHANNEL);

    private final ViewProgress progress;
    private final LocalView view;

    public ViewReadinessCheck(ViewProgress progress, LocalView view) {
        this.progress = progress;
        this.view = view;
    }

    @Override
    public HealthCheckResponse call() {
        var builder = HealthCheckResponse.named("gateway-local-view")
                .status(progress.caughtUp(CHANNELS))
                .withData("applications", view.routeCount())
                .withData("activeGrants", view.grantCount());
        progress.details().forEach((k, v) -> builder.withData(k, String.valueOf(v)));
        return builder.build();
    }
}
