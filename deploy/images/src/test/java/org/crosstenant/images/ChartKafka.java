package org.crosstenant.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * What the rendered Helm chart (deploy/kubernetes, {@code target/rendered/*.yaml}) asks of Kafka, read so that the
 * smoke test gives the images exactly that: the Strimzi {@code KafkaTopic}s (name, partitions, config), the
 * {@code KafkaUser}s (SCRAM-SHA-512, simple authorization) as Kafka ACL bindings the way Strimzi's User Operator
 * writes them (principal {@code User:<KafkaUser name>}; host {@code *} and type allow unless the rule says
 * otherwise; one binding per operation, nothing added), and each service container's Kafka environment and
 * trust-store mount.
 *
 * @param topics     the KafkaTopics, in file order
 * @param users      KafkaUser name → its ACL bindings
 * @param containers container name (the artifact) → the container object of its Deployment
 * @param volumes    container name → its pod's volumes
 */
record ChartKafka(List<Topic> topics, Map<String, List<AclBinding>> users, Map<String, JsonNode> containers,
        Map<String, JsonNode> volumes) {

    private static final ObjectMapper YAML = new YAMLMapper();

    /**
     * A KafkaTopic.
     *
     * @param name       {@code spec.topicName}
     * @param partitions {@code spec.partitions}
     * @param config     {@code spec.config}, values as text
     */
    record Topic(String name, int partitions, Map<String, String> config) {
    }

    /**
     * One entry of a container's {@code env}: a literal value, or a key of a Secret.
     *
     * @param name      the variable
     * @param value     its value, empty when it comes from a Secret
     * @param secret    the Secret's name, empty for a literal
     * @param secretKey the key in that Secret, empty for a literal
     */
    record EnvVar(String name, Optional<String> value, Optional<String> secret, Optional<String> secretKey) {
    }

    /**
     * Reads a rendered manifest.
     *
     * @param rendered a multi-document YAML file as {@code helm template} writes it
     * @return what it asks of Kafka
     * @throws IOException when the file is missing or not YAML
     * @throws IllegalArgumentException when a KafkaUser is not scram-sha-512 with simple authorization, or an ACL
     *                                  names a resource type, pattern or operation Kafka does not know
     */
    static ChartKafka read(Path rendered) throws IOException {
        List<Topic> topics = new ArrayList<>();
        Map<String, List<AclBinding>> users = new LinkedHashMap<>();
        Map<String, JsonNode> containers = new LinkedHashMap<>();
        Map<String, JsonNode> volumes = new LinkedHashMap<>();
        try (var parser = YAML.getFactory().createParser(Files.readString(rendered))) {
            var documents = YAML.readValues(parser, JsonNode.class);
            while (documents.hasNext()) {
                JsonNode object = documents.next();
                if (object == null || !object.isObject()) {
                    continue;
                }
                switch (object.path("kind").asText()) {
                    case "KafkaTopic" -> topics.add(topic(object));
                    case "KafkaUser" -> users.put(object.path("metadata").path("name").asText(), acls(object));
                    case "Deployment" -> {
                        JsonNode pod = object.path("spec").path("template").path("spec");
                        for (JsonNode container : pod.path("containers")) {
                            containers.put(container.path("name").asText(), container);
                            volumes.put(container.path("name").asText(), pod.path("volumes"));
                        }
                    }
                    default -> {
                        // other kinds ask nothing of Kafka
                    }
                }
            }
        }
        return new ChartKafka(List.copyOf(topics), Map.copyOf(users), Map.copyOf(containers), Map.copyOf(volumes));
    }

    /** Prefixes of the variables that decide how a service uses Kafka: client settings, channels, topic creation. */
    static final List<String> KAFKA_PREFIXES = List.of("KAFKA_", "MP_MESSAGING_", "CROSSTENANT_TOPICS_");

    /**
     * The variables of a service's container that decide how it uses Kafka ({@link #KAFKA_PREFIXES}), in chart
     * order.
     *
     * @param container the container's name (the service's artifact id)
     * @return its Kafka variables
     * @throws IllegalArgumentException when the chart has no such container, the container takes variables from
     *                                  {@code envFrom} (which this reader cannot see into), or a variable comes from
     *                                  something other than a literal or a Secret key
     */
    List<EnvVar> kafkaEnv(String container) {
        if (container(container).has("envFrom")) {
            throw new IllegalArgumentException(container + " takes variables from envFrom: the smoke test cannot tell "
                    + "which of them reach Kafka");
        }
        List<EnvVar> env = new ArrayList<>();
        for (JsonNode variable : container(container).path("env")) {
            String name = variable.path("name").asText();
            if (KAFKA_PREFIXES.stream().noneMatch(name::startsWith)) {
                continue;
            }
            if (variable.has("value")) {
                env.add(new EnvVar(name, Optional.of(variable.path("value").asText()), Optional.empty(), Optional.empty()));
            } else if (variable.path("valueFrom").has("secretKeyRef")) {
                JsonNode ref = variable.path("valueFrom").path("secretKeyRef");
                env.add(new EnvVar(name, Optional.empty(), Optional.of(ref.path("name").asText()),
                        Optional.of(ref.path("key").asText())));
            } else {
                throw new IllegalArgumentException(container + ": " + name + " is neither a value nor a Secret key");
            }
        }
        return env;
    }

    /**
     * Where a container mounts the Secret Strimzi makes with the Kafka cluster CA ({@code <cluster>-cluster-ca-cert}),
     * and under which file name.
     *
     * @param container the container's name
     * @return the mount path and the item's path inside it; empty when the container mounts no such Secret
     */
    Optional<Map.Entry<String, String>> clusterCaMount(String container) {
        for (JsonNode volume : volumes.getOrDefault(container, YAML.createArrayNode())) {
            JsonNode secret = volume.path("secret");
            if (!secret.path("secretName").asText().endsWith("-cluster-ca-cert")) {
                continue;
            }
            String item = secret.path("items").path(0).path("path").asText("ca.crt");
            for (JsonNode mount : container(container).path("volumeMounts")) {
                if (mount.path("name").asText().equals(volume.path("name").asText())) {
                    return Optional.of(Map.entry(mount.path("mountPath").asText(), item));
                }
            }
        }
        return Optional.empty();
    }

    private JsonNode container(String name) {
        JsonNode container = containers.get(name);
        if (container == null) {
            throw new IllegalArgumentException("the rendered chart has no container " + name + " (has " + containers.keySet() + ")");
        }
        return container;
    }

    private static Topic topic(JsonNode object) {
        JsonNode spec = object.path("spec");
        Map<String, String> config = new LinkedHashMap<>();
        spec.path("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
        String name = spec.path("topicName").asText(object.path("metadata").path("name").asText());
        return new Topic(name, spec.path("partitions").asInt(1), Map.copyOf(config));
    }

    private static List<AclBinding> acls(JsonNode user) {
        String name = user.path("metadata").path("name").asText();
        JsonNode spec = user.path("spec");
        if (!"scram-sha-512".equals(spec.path("authentication").path("type").asText())
                || !"simple".equals(spec.path("authorization").path("type").asText())) {
            throw new IllegalArgumentException("KafkaUser " + name + " is not scram-sha-512 with simple authorization");
        }
        List<AclBinding> bindings = new ArrayList<>();
        for (JsonNode acl : spec.path("authorization").path("acls")) {
            if (acl.has("operation") || !acl.path("operations").isArray() || acl.path("operations").isEmpty()) {
                throw new IllegalArgumentException("KafkaUser " + name + ": an ACL without an operations list " + acl);
            }
            JsonNode resource = acl.path("resource");
            ResourcePattern pattern = new ResourcePattern(resourceType(resource.path("type").asText(), name),
                    "cluster".equals(resource.path("type").asText()) ? "kafka-cluster" : resource.path("name").asText(),
                    patternType(resource.path("patternType").asText("literal"), name));
            AclPermissionType permission = switch (acl.path("type").asText("allow")) {
                case "allow" -> AclPermissionType.ALLOW;
                case "deny" -> AclPermissionType.DENY;
                default -> throw new IllegalArgumentException("KafkaUser " + name + ": ACL type " + acl.path("type"));
            };
            String host = acl.path("host").asText("*");
            for (JsonNode operation : acl.path("operations")) {
                AclOperation op = known(AclOperation.fromString(camelToSnake(operation.asText())), AclOperation.UNKNOWN, name);
                bindings.add(new AclBinding(pattern, new AccessControlEntry("User:" + name, host, op, permission)));
            }
        }
        return List.copyOf(bindings);
    }

    /**
     * Strimzi's resource types ({@code topic}, {@code group}, {@code cluster}, {@code transactionalId}) as Kafka's;
     * Strimzi names the cluster resource {@code kafka-cluster} whatever the ACL says.
     */
    private static ResourceType resourceType(String strimzi, String user) {
        return switch (strimzi) {
            case "topic" -> ResourceType.TOPIC;
            case "group" -> ResourceType.GROUP;
            case "cluster" -> ResourceType.CLUSTER;
            case "transactionalId" -> ResourceType.TRANSACTIONAL_ID;
            default -> throw new IllegalArgumentException("KafkaUser " + user + " has an ACL resource type " + strimzi);
        };
    }

    /** Strimzi says {@code literal} or {@code prefix}; Kafka's enum says {@code LITERAL} or {@code PREFIXED}. */
    private static PatternType patternType(String strimzi, String user) {
        return switch (strimzi) {
            case "literal" -> PatternType.LITERAL;
            case "prefix" -> PatternType.PREFIXED;
            default -> throw new IllegalArgumentException("KafkaUser " + user + " has an ACL pattern type " + strimzi);
        };
    }

    private static <T> T known(T value, T unknown, String user) {
        if (value == unknown) {
            throw new IllegalArgumentException("KafkaUser " + user + " has an ACL Kafka does not understand");
        }
        return value;
    }

    /** Strimzi writes operations as {@code DescribeConfigs}; Kafka's enum parses {@code DESCRIBE_CONFIGS}. */
    private static String camelToSnake(String operation) {
        return operation.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }
}
