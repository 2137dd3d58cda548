package org.crosstenant.policy.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Business settings of the policy service (prefix {@code policy}); each is overridable by env var, e.g. POLICY_ADMIN_ROLE. */
@ConfigMapping(prefix = "policy")
public interface PolicyConfig {

    /** CloudEvents {@code source} of everything this service publishes. */
    @WithDefault("/crosstenant/policy-service")
    String eventSource();

    /** Role (federated token {@code groups}) that may administer its own tenant's settings. */
    @WithDefault("collab-admin")
    String adminRole();

    /**
     * This instance's id, unique within the consumer group (default: the host name, see
     * {@link InstanceIdConfigSource}); Kafka consumers use {@code <instance-id>-<channel>} as group.instance.id.
     */
    String instanceId();

    Outbox outbox();

    interface Outbox {
        /** How many unpublished rows one relay pass sends at most. */
        @WithDefault("100")
        int batchSize();

        /** Interval of the safety-net timer; the relay also runs right after every commit. */
        @WithDefault("1s")
        Duration pollInterval();
    }
}
