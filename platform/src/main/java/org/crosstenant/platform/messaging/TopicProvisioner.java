package org.crosstenant.platform.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

/**
 * Creates topics with explicit settings and brings existing ones in line, idempotently, with the Kafka Admin API.
 * <ul>
 * <li>A missing topic is created with the declared partitions, replication factor and configs (a topic another
 * instance creates at the same moment counts as existing).</li>
 * <li>For an existing topic every declared config is compared with the broker's value; each difference is logged
 * (WARN) and, when {@code align} is on, set (incremental alter, SET only: configs not declared keep their
 * values).</li>
 * <li>Partition count and replication factor of an existing topic are never changed, only logged when they differ:
 * adding partitions would move keys to other partitions and break per-key order.</li>
 * </ul>
 * Thread-safe and stateless; the caller owns the {@link Admin}.
 */
public final class TopicProvisioner {

    private static final Logger LOG = Logger.getLogger(TopicProvisioner.class);

    /**
     * What a run did.
     *
     * @param created     topics that did not exist and were created
     * @param aligned     topic → configs that differed and were set to the declared values
     * @param differences every difference found on an existing topic, as logged (aligned ones included)
     */
    public record Result(List<String> created, Map<String, Map<String, String>> aligned, List<String> differences) {
    }

    private TopicProvisioner() {
    }

    /**
     * A short-lived Admin client for provisioning and checks.
     *
     * @param bootstrapServers the broker list ({@code host:port,…})
     * @param clientId         client id shown in the broker's logs and metrics
     * @param timeout          bound of each request and of every API call
     */
    public static Admin admin(String bootstrapServers, String clientId, Duration timeout) {
        return admin(bootstrapServers, Map.of(), clientId, timeout);
    }

    /**
     * A short-lived Admin client for provisioning and checks that connects the way the service's channels do.
     *
     * @param bootstrapServers the broker list ({@code host:port,…}); wins over one in {@code settings}
     * @param settings         the service's {@code kafka.*} settings without the prefix (Quarkus's
     *                         {@code default-kafka-broker} map): the Admin client takes those it knows
     *                         ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}, …) so that it authenticates
     *                         to a secured listener such as Strimzi's SCRAM one; the others are left out
     * @param clientId         client id shown in the broker's logs and metrics
     * @param timeout          bound of each request and of every API call
     */
    public static Admin admin(String bootstrapServers, Map<String, ?> settings, String clientId, Duration timeout) {
        return Admin.create(adminProperties(bootstrapServers, settings, clientId, timeout));
    }

    /** The Admin client's configuration of {@link #admin(String, Map, String, Duration)} (same parameters). */
    static Properties adminProperties(String bootstrapServers, Map<String, ?> settings, String clientId,
            Duration timeout) {
        Properties props = new Properties();
        Set<String> known = AdminClientConfig.configNames();
        settings.forEach((name, value) -> {
            // a setting given empty (KAFKA_SECURITY_PROTOCOL=) is no setting: Admin.create would refuse ""
            if (known.contains(name) && value != null && !(value instanceof String text && text.isBlank())) {
                props.put(name, value);
            }
        });
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(millis, 10_000));
        return props;
    }

    /**
     * Creates or checks every topic.
     *
     * @param admin   the Admin client to use
     * @param specs   the declared topics
     * @param timeout bound of each round of requests (create, describe, alter)
     * @param align   whether configs of existing topics that differ are set to the declared values
     * @return what was created, aligned and found different
     * @throws IllegalStateException when the broker refuses a topic (e.g. a replication factor above the number of
     *                               brokers, an invalid config) or does not answer within the timeout
     */
    public static Result provision(Admin admin, Collection<TopicSpec> specs, Duration timeout, boolean align) {
        List<String> created = new ArrayList<>();
        List<TopicSpec> existing = new ArrayList<>();
        Map<String, KafkaFuture<Void>> creations = admin.createTopics(specs.stream()
                .map(s -> new NewTopic(s.name(), s.partitions(), s.replicationFactor()).configs(s.configs()))
                .toList()).values();
        for (TopicSpec spec : specs) {
            try {
                await(creations.get(spec.name()), timeout, "create topic " + spec.name());
                created.add(spec.name());
                LOG.infof("created topic %s: %d partition(s), replication factor %d, %s", spec.name(),
                        spec.partitions(), spec.replicationFactor(), spec.configs());
            } catch (IllegalStateException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                existing.add(spec);
            }
        }
        if (existing.isEmpty()) {
            return new Result(created, Map.of(), List.of());
        }
        List<String> differences = new ArrayList<>();
        Map<String, Map<String, String>> aligned = new HashMap<>();
        Map<String, TopicDescription> descriptions = await(admin.describeTopics(existing.stream()
                .map(TopicSpec::name).toList()).allTopicNames(), timeout, "describe topics");
        Map<ConfigResource, Config> configs = await(admin.describeConfigs(existing.stream()
                .map(s -> new ConfigResource(ConfigResource.Type.TOPIC, s.name())).toList()).all(), timeout,
                "describe topic configs");
        Map<ConfigResource, Collection<AlterConfigOp>> alterations = new HashMap<>();
        for (TopicSpec spec : existing) {
            TopicDescription description = descriptions.get(spec.name());
            int partitions = description.partitions().size();
            if (partitions != spec.partitions()) {
                differences.add(spec.name() + ": " + partitions + " partition(s), declared " + spec.partitions()
                        + " (never changed here: it would move keys between partitions)");
            }
            int replicas = description.partitions().get(0).replicas().size();
            if (replicas != spec.replicationFactor()) {
                differences.add(spec.name() + ": replication factor " + replicas + ", declared "
                        + spec.replicationFactor() + " (change it with a partition reassignment)");
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, spec.name());
            Config actual = configs.get(resource);
            Map<String, String> changed = new HashMap<>();
            spec.configs().forEach((name, declared) -> {
                ConfigEntry entry = actual.get(name);
                String value = entry == null ? null : entry.value();
                if (!declared.equals(value)) {
                    differences.add(spec.name() + ": " + name + "=" + value + ", declared " + declared
                            + (align ? " (set to the declared value)" : " (left as it is)"));
                    changed.put(name, declared);
                }
            });
            if (align && !changed.isEmpty()) {
                aligned.put(spec.name(), changed);
                alterations.put(resource, changed.entrySet().stream()
                        .map(e -> new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET))
                        .toList());
            }
        }
        differences.forEach(d -> LOG.warnf("topic settings differ: %s", d));
        if (!alterations.isEmpty()) {
            await(admin.incrementalAlterConfigs(alterations).all(), timeout, "align topic configs");
        }
        return new Result(created, aligned, differences);
    }

    private static <T> T await(KafkaFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + ": no answer from the broker within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " interrupted", e);
        }
    }
}
