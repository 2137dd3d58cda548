package org.crosstenant.gateway.messaging;

import java.util.HashMap;
import java.util.Map;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.gateway.config.EdgeConfig;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.providers.extension.HealthCenter;
import io.vertx.core.Vertx;

/**
 * Watches the view consumers' channels through SmallRye Reactive Messaging's own health report and tells
 * {@link ViewProgress} which have stopped: a Kafka source that reported a failure (its consumer is closed, e.g. a
 * fatal deserialisation or poll failure) or a consumer method whose stream failed. Checked every
 * {@code crosstenant.gateway.view.channel-check-interval} on a worker thread, so /apps reads only a volatile field.
 * Also registers the {@code crosstenant_gateway_view_age_seconds} gauge per channel (see
 * {@link ViewProgress#ageSeconds(String)}).
 */
@Startup
@ApplicationScoped
public class ViewChannelWatch {

    private static final Logger LOG = Logger.getLogger(ViewChannelWatch.class);
    /** The consumer methods per channel, as SmallRye names an application failure ("application-Class#method"). */
    private static final Map<String, String> METHOD_OF_CHANNEL = Map.of(
            ViewRebalanceListeners.POLICY_CHANNEL, ViewConsumers.class.getName() + "#onPolicyEvent",
            ViewRebalanceListeners.INVITATION_CHANNEL, ViewConsumers.class.getName() + "#onInvitationEvent");

    private final HealthCenter health;
    private final ViewProgress progress;
    private final Vertx vertx;
    private final long timer;

    public ViewChannelWatch(HealthCenter health, ViewProgress progress, Vertx vertx, EdgeConfig config,
            MeterRegistry registry) {
        this.health = health;
        this.progress = progress;
        this.vertx = vertx;
        for (String channel : ViewReadinessCheck.CHANNELS) {
            Gauge.builder("crosstenant.gateway.view.age", progress, p -> p.ageSeconds(channel))
                    .baseUnit("seconds")
                    .description("Seconds since the channel last applied a record or finished its start-up replay")
                    .tag("channel", channel)
                    .register(registry);
        }
        this.timer = vertx.setPeriodic(config.view().channelCheckInterval().toMillis(),
                id -> vertx.executeBlocking(() -> {
                    check();
                    return null;
                }, false));
    }

    @PreDestroy
    void stop() {
        vertx.cancelTimer(timer);
    }

    /** Reads SmallRye's liveness report now and updates {@link ViewProgress#stoppedChannels()}; returns it. */
    public Map<String, String> check() {
        Map<String, String> stopped = new HashMap<>();
        HealthReport report = health.getLiveness();
        for (HealthReport.ChannelInfo info : report.getChannels()) {
            if (info.isOk()) {
                continue;
            }
            METHOD_OF_CHANNEL.forEach((channel, method) -> {
                if (info.getChannel().equals(channel) || info.getChannel().endsWith(method)) {
                    stopped.merge(channel, String.valueOf(info.getMessage()), (a, b) -> a + "; " + b);
                }
            });
        }
        if (!stopped.equals(progress.consumerStops())) {
            if (stopped.isEmpty()) {
                LOG.info("view consumers run again");
            } else {
                LOG.errorf("view consumer(s) stopped, /apps answers 503 until restart: %s", stopped);
            }
        }
        progress.stopped(stopped);
        return stopped;
    }
}
