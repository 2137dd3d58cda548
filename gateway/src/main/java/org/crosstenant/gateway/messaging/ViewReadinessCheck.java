package org.crosstenant.gateway.messaging;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.gateway.repository.LocalView;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code gateway-local-view}: UP once the replay of both topics reached the end offsets seen at start, both topics
 * held their whole history then ({@link ViewTopicCheck}: present, and no events removed by retention) AND both view
 * consumers are still running. A stopped consumer would leave the view frozen (grants and revocations no longer
 * applied) and a missing or truncated topic would leave it incomplete (valid guests refused, revoked ones perhaps let
 * in), so either turns readiness DOWN, with the channel and reason in the data.
 */
@Readiness
@ApplicationScoped
public class ViewReadinessCheck implements HealthCheck {

    /** The channels whose replay must have caught up before the view may answer (also gates /apps). */
    public static final Set<String> CHANNELS = Set.of(ViewRebalanceListeners.POLICY_CHANNEL,
            ViewRebalanceListeners.INVITATION_CHANNEL);

    private final ViewProgress progress;
    private final LocalView view;
    private final ViewChannelWatch watch;

    public ViewReadinessCheck(ViewProgress progress, LocalView view, ViewChannelWatch watch) {
        this.progress = progress;
        this.view = view;
        this.watch = watch;
    }

    @Override
    public HealthCheckResponse call() {
        boolean running = watch.check().isEmpty();
        boolean complete = progress.incompleteChannels().isEmpty();
        var builder = HealthCheckResponse.named("gateway-local-view")
                .status(running && complete && progress.caughtUp(CHANNELS))
                .withData("applications", view.routeCount())
                .withData("activeGrants", view.grantCount())
                .withData("consumersRunning", running)
                .withData("viewComplete", complete);
        progress.details().forEach((k, v) -> builder.withData(k, String.valueOf(v)));
        return builder.build();
    }
}
