package org.crosstenant.platform.messaging;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.admin.Admin;
import org.crosstenant.platform.config.TopicsConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * Creates the service's declared topics ({@link TopicsConfig}) at start-up, before its Kafka channels start: the
 * observer's priority ({@value #PRIORITY}) runs before SmallRye Reactive Messaging wires the channels (1000) and
 * before {@code @Startup} beans (2500). A broker that does not answer within
 * {@code crosstenant.topics.provisioning.timeout}, or that refuses a topic, fails the start: a service must not run
 * on topics with the broker's default settings.
 */
@ApplicationScoped
public class TopicProvisioning {

    /** Lower than SmallRye Reactive Messaging's start-up observer (1000): runs first. */
    public static final int PRIORITY = 500;
    private static final Logger LOG = Logger.getLogger(TopicProvisioning.class);

    private final TopicsConfig config;
    private final String bootstrapServers;
    private final String application;
    private final Map<String, Object> kafka;

    /**
     * @param kafka the service's {@code kafka.*} settings (security ones reach the Admin client, see
     *              {@link TopicProvisioner#admin(String, Map, String, Duration)})
     */
    public TopicProvisioning(TopicsConfig config,
            @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "127.0.0.1:9092") String bootstrapServers,
            @ConfigProperty(name = "quarkus.application.name", defaultValue = "crosstenant") String application,
            @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.config = config;
        this.bootstrapServers = bootstrapServers;
        this.application = application;
        this.kafka = kafka;
    }

    void onStart(@Observes @Priority(PRIORITY) StartupEvent event) {
        List<TopicSpec> specs = specs(config);
        if (!config.provisioning().enabled() || specs.isEmpty()) {
            LOG.debugf("topic provisioning skipped (enabled=%s, %d topic(s) declared)",
                    config.provisioning().enabled(), specs.size());
            return;
        }
        Duration timeout = config.provisioning().timeout();
        try (Admin admin = TopicProvisioner.admin(bootstrapServers, kafka, application + "-topic-provisioning",
                timeout)) {
            TopicProvisioner.Result result = TopicProvisioner.provision(admin, specs, timeout,
                    config.provisioning().alignConfigs());
            LOG.infof("topics provisioned: %d declared, created %s, aligned %s", specs.size(), result.created(),
                    result.aligned().keySet());
        }
    }

    /**
     * The declared topics with the defaults filled in.
     *
     * @param config the service's {@code crosstenant.topics.*} settings
     * @return one spec per declared topic, in name order
     */
    public static List<TopicSpec> specs(TopicsConfig config) {
        TopicsConfig.TopicDefaults defaults = config.defaults();
        return config.produced().entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> {
            Map<String, String> configs = new HashMap<>(defaults.config());
            configs.putAll(e.getValue().config());
            return new TopicSpec(e.getKey(), e.getValue().partitions().orElse(defaults.partitions()),
                    e.getValue().replicationFactor().orElse(defaults.replicationFactor()), configs);
        }).toList();
    }
}
