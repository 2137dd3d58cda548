package org.crosstenant.deploy.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The invariants of issue #10 on the chart as rendered by the build ({@code target/rendered/{dev,production}.yaml},
 * written by {@link ChartRenderer} at process-classes), each with a negative test: the checker is fed a copy broken
 * in that way and must report it, naming the object.
 */
class RenderedManifestsTest {

    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path DOCS = MODULE.resolve("../../docs").normalize();
    static final Path RENDERED = MODULE.resolve("target/rendered");
    static final String RELEASE = ChartRenderer.RELEASE;
    static final Map<String, String> OWN_DB = Map.of(
            "invitation-service", "invitation", "policy-service", "policy", "audit-service", "audit");

    static Manifests dev;
    static Manifests devWitness;
    static Manifests production;

    @BeforeAll
    static void read() throws IOException {
        if (!Files.isRegularFile(RENDERED.resolve("production.yaml"))) {
            ChartRenderer.main(new String[]{MODULE.toString(), RENDERED.toString()});
        }
        dev = Manifests.read(RENDERED.resolve("dev.yaml"));
        devWitness = Manifests.read(RENDERED.resolve("dev-witness.yaml"));
        production = Manifests.read(RENDERED.resolve("production.yaml"));
    }

    static Manifests overlay(String name) {
        return switch (name) {
            case "dev" -> dev;
            case "dev-witness" -> devWitness;
            default -> production;
        };
    }

    static ObjectNode deployment(Manifests m, String name) {
        return m.ofKind("Deployment").stream()
                .filter(d -> d.path("metadata").path("name").asText().equals(RELEASE + "-" + name)).findFirst().orElseThrow();
    }

    static ObjectNode container(ObjectNode deployment) {
        return (ObjectNode) deployment.path("spec").path("template").path("spec").path("containers").get(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "dev-witness", "production"})
    void renderedObjectsAreThere(String overlay) {
        Manifests m = overlay(overlay);
        assertThat(m.ofKind("Deployment")).hasSizeGreaterThanOrEqualTo(4);
        assertThat(m.ofKind("PodDisruptionBudget")).hasSize(4);
        assertThat(m.ofKind("Kafka")).hasSize(1);
        assertThat(m.ofKind("KafkaNodePool")).hasSize(1);
        assertThat(m.ofKind("Cluster")).hasSizeGreaterThanOrEqualTo(3);
        boolean isDev = overlay.startsWith("dev");
        assertThat(m.ofKind("Deployment")).hasSize(overlay.equals("dev-witness") ? 5 : 4);
        assertThat(m.ofKind("Keycloak")).hasSize(isDev ? 1 : 0);
        assertThat(m.ofKind("KeycloakRealmImport")).hasSize(isDev ? 2 : 0);
        // dev turns the autoscalers off; dev-witness turns them on again to render the lag metrics
        assertThat(m.ofKind("HorizontalPodAutoscaler")).hasSize(overlay.equals("dev") ? 0 : 4);
        assertThat(m.ofKind("ScheduledBackup")).hasSize(isDev ? 0 : 3);
    }

    // --- containers: probes, requests and limits, non-root, read-only root filesystem -----------------------------

    @ParameterizedTest
    @ValueSource(strings = {"dev", "dev-witness", "production"})
    void everyContainerHasProbesLimitsAndALockedDownSecurityContext(String overlay) {
        assertThat(Invariants.containers(overlay(overlay))).isEmpty();
    }

    @Test
    void aContainerWithoutReadinessProbeIsReported() {
        Manifests broken = production.copy();
        container(deployment(broken, "policy-service")).remove("readinessProbe");
        assertThat(Invariants.containers(broken))
                .containsExactly("Deployment/crosstenant-policy-service container policy-service has no readinessProbe");
    }

    @Test
    void aContainerWithoutLimitsOrAsRootIsReported() {
        Manifests broken = production.copy();
        ObjectNode c = container(deployment(broken, "audit-service"));
        ((ObjectNode) c.path("resources")).remove("limits");
        ((ObjectNode) c.path("securityContext")).put("runAsNonRoot", false).put("readOnlyRootFilesystem", false);
        assertThat(Invariants.containers(broken)).containsExactlyInAnyOrder(
                "Deployment/crosstenant-audit-service container audit-service has no limits.cpu",
                "Deployment/crosstenant-audit-service container audit-service has no limits.memory",
                "Deployment/crosstenant-audit-service container audit-service may run as root (runAsNonRoot not true)",
                "Deployment/crosstenant-audit-service container audit-service has a writable root filesystem");
    }

    // --- topics ------------------------------------------------------------------------------------------------

    @Test
    void theTopicTableIsReadFromTheDocument() throws IOException {
        Map<String, Integer> topics = Invariants.documentedTopics(DOCS.resolve("topics.md"));
        assertThat(topics).containsEntry("invitations.events", 3).containsEntry("audit.checkpoints", 1)
                .containsEntry("invitations.events.dlq.policy-service-live", 1)
                .containsEntry("gateway.access.dlq.audit-service", 1);
        assertThat(topics.keySet().stream().filter(t -> t.contains(".dlq."))).hasSize(10);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "dev-witness", "production"})
    void everyDocumentedTopicHasAKafkaTopic(String overlay) throws IOException {
        assertThat(Invariants.topics(Invariants.documentedTopics(DOCS.resolve("topics.md")), overlay(overlay))).isEmpty();
    }

    @Test
    void aMissingTopicIsReported() throws IOException {
        Manifests broken = new Manifests(production.objects().stream()
                .filter(o -> !o.path("spec").path("topicName").asText().equals("policy.decisions.dlq.invitation-service"))
                .toList());
        assertThat(Invariants.topics(Invariants.documentedTopics(DOCS.resolve("topics.md")), broken))
                .containsExactly("topic policy.decisions.dlq.invitation-service (docs/topics.md) has no KafkaTopic");
    }

    @Test
    void productionTopicsKeepAnAcknowledgedEventThroughTheLossOfABroker() {
        for (ObjectNode t : production.ofKind("KafkaTopic")) {
            assertThat(t.path("spec").path("replicas").asInt()).as(Manifests.id(t)).isEqualTo(3);
            assertThat(t.path("spec").path("config").path("min.insync.replicas").asInt()).as(Manifests.id(t)).isEqualTo(2);
        }
    }

    // --- environment ---------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"dev", "dev-witness", "production"})
    void everyEnvVarIsDocumentedByItsService(String overlay) throws IOException {
        assertThat(Invariants.environment(DOCS.resolve("config"), overlay(overlay))).isEmpty();
    }

    @Test
    void anUndocumentedEnvVarIsReported() throws IOException {
        Manifests broken = production.copy();
        ((ArrayNode) container(deployment(broken, "invitation-service")).path("env"))
                .addObject().put("name", "INVITATION_MADE_UP_SETTING").put("value", "1");
        assertThat(Invariants.environment(DOCS.resolve("config"), broken)).containsExactly(
                "Deployment/crosstenant-invitation-service container invitation-service sets INVITATION_MADE_UP_SETTING,"
                        + " which docs/config/invitation-service.md does not document");
    }

    // --- key rotation (docs/operations.md) -------------------------------------------------------------------------

    static String env(ObjectNode deployment, String name) {
        for (JsonNode e : container(deployment).path("env")) {
            if (e.path("name").asText().equals(name)) {
                return e.has("value") ? e.path("value").asText()
                        : "secret " + e.path("valueFrom").path("secretKeyRef").path("key").asText();
            }
        }
        return null;
    }

    static List<String> gatewayKeyFiles(ObjectNode deployment) {
        List<String> files = new ArrayList<>();
        for (JsonNode v : deployment.path("spec").path("template").path("spec").path("volumes")) {
            if (v.path("name").asText().equals("gateway-key")) {
                v.path("secret").path("items").forEach(i -> files.add(i.path("path").asText()));
            }
        }
        return files;
    }

    /**
     * Without rotation values (production) every service verifies with {@code public.pem} as before; mid-rotation
     * (dev-witness) the gateway publishes the next key, the services verify with the JWK set and mount nothing else,
     * the next checkpoint key co-signs and the witness knows both log keys.
     */
    @Test
    void keyRotationValuesReachTheContainersAndServicesNeverMountThePrivateKey() {
        for (String service : OWN_DB.keySet()) {
            assertThat(env(deployment(production, service), "MP_JWT_VERIFY_PUBLICKEY_LOCATION"))
                    .isEqualTo("/etc/crosstenant/gateway-key/public.pem");
            assertThat(gatewayKeyFiles(deployment(production, service))).containsExactly("public.pem");
            assertThat(env(deployment(devWitness, service), "MP_JWT_VERIFY_PUBLICKEY_LOCATION"))
                    .isEqualTo("/etc/crosstenant/gateway-key/jwks.json");
            assertThat(gatewayKeyFiles(deployment(devWitness, service))).containsExactly("jwks.json");
        }
        assertThat(env(deployment(production, "gateway"), "CROSSTENANT_GATEWAY_SIGNING_KEY_ADDITIONAL_PUBLIC_LOCATIONS"))
                .isNull();
        assertThat(env(deployment(devWitness, "gateway"), "CROSSTENANT_GATEWAY_SIGNING_KEY_ADDITIONAL_PUBLIC_LOCATIONS"))
                .isEqualTo("/etc/crosstenant/gateway-key/next-public.pem");
        assertThat(gatewayKeyFiles(deployment(devWitness, "gateway")))
                .containsExactly("private.pem", "public.pem", "next-public.pem");
        assertThat(env(deployment(production, "audit-service"), "CROSSTENANT_AUDIT_CHECKPOINT_ADDITIONAL_SIGNING_KEYS"))
                .isNull();
        assertThat(env(deployment(devWitness, "audit-service"), "CROSSTENANT_AUDIT_CHECKPOINT_ADDITIONAL_SIGNING_KEYS"))
                .isEqualTo("secret next-signing-key");
        assertThat(env(deployment(devWitness, "witness-contoso"), "CROSSTENANT_WITNESS_LOGS_SUITE_ADDITIONAL_VKEYS"))
                .startsWith("crosstenant.example/audit+00000001+");
    }

    /** A typo in the rotation values must not mount the gateway's private key into every service. */
    @Test
    void servicesNeverVerifyWithThePrivateKey(@TempDir Path out) {
        assertThatThrownBy(() -> ChartRenderer.render(MODULE, "production", out, "private", Map.of(
                "gatewayKey.servicesVerifyWith", "private.pem")))
                .hasMessageContaining("gatewayKey.servicesVerifyWith is private.pem");
    }

    // --- autoscaling -----------------------------------------------------------------------------------------------

    /**
     * Every autoscaler scales on CPU. With {@code consumerLagAutoscaling} on (dev-witness), those of the services that
     * share one consumer group scale on their lag too (an External metric selected by the Service's name), never the
     * gateway's, whose pods each read the whole view topics; off by default (production).
     */
    @Test
    void autoscalersScaleOnCpuAndTheConsumersOnLagOnlyWhenAsked() {
        assertThat(production.ofKind("HorizontalPodAutoscaler")).hasSize(4)
                .allSatisfy(hpa -> assertThat(metricTypes(hpa)).as(Manifests.id(hpa)).containsExactly("Resource"));
        List<ObjectNode> hpas = devWitness.ofKind("HorizontalPodAutoscaler");
        assertThat(hpas).hasSize(4);
        for (ObjectNode hpa : hpas) {
            String name = hpa.path("metadata").path("name").asText();
            assertThat(hpa.path("spec").path("scaleTargetRef").path("name").asText()).isEqualTo(name);
            if (name.equals(RELEASE + "-gateway")) {
                assertThat(metricTypes(hpa)).as(name).containsExactly("Resource");
                continue;
            }
            assertThat(metricTypes(hpa)).as(name).containsExactly("Resource", "External");
            JsonNode external = hpa.path("spec").path("metrics").get(1).path("external");
            assertThat(external.path("metric").path("name").asText()).isEqualTo("crosstenant_consumer_lag_records");
            assertThat(external.path("metric").path("selector").path("matchLabels").path("service").asText())
                    .isEqualTo(name);
            assertThat(external.path("target").path("type").asText()).isEqualTo("AverageValue");
            assertThat(external.path("target").path("averageValue").asText()).isEqualTo("1000");
            assertThat(hpa.path("spec").path("behavior").path("scaleUp").path("stabilizationWindowSeconds").asInt())
                    .as("%s: a pod that just left its group must not be brought back at once", name).isEqualTo(120);
        }
        assertThat(production.ofKind("HorizontalPodAutoscaler"))
                .allSatisfy(hpa -> assertThat(hpa.path("spec").path("behavior").has("scaleUp")).isFalse());
    }

    /**
     * Values that would render a wrong but accepted autoscaler are refused when the chart is rendered: no label naming
     * the service (every consumer would read the sum of all), a target of no records, a string where a switch belongs
     * (helm takes any non-empty string as true), and lag scaling for the gateway, whose lag more pods never lower.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "consumerLagAutoscaling.serviceLabel|''|serviceLabel",
            "consumerLagAutoscaling.serviceLabel|'service name'|serviceLabel",
            "consumerLagAutoscaling.averageRecordsPerPod|0|averageRecordsPerPod",
            "consumerLagAutoscaling.averageRecordsPerPod|1k|averageRecordsPerPod",
            "consumerLagAutoscaling.metricName|'lag records'|metricName",
            "consumerLagAutoscaling.metricName|Crosstenant_Lag|metricName",
            "consumerLagAutoscaling.serviceLabel|app.kubernetes.io/name|serviceLabel",
            "consumerLagAutoscaling.enabled|yes|enabled",
            "consumerLagAutoscaling.unknownKey|1|unknownKey",
            "services.audit-service.autoscaling.maxReplicas|0|maxReplicas",
            "services.gateway.autoscaling.onConsumerLag|true|services.gateway.autoscaling.onConsumerLag must be false"})
    void lagAutoscalingValuesThatWouldRenderAWrongAutoscalerAreRefused(String key, String value, String message,
            @TempDir Path out) {
        Map<String, Object> sets = new LinkedHashMap<>();
        sets.put("consumerLagAutoscaling.enabled", true);
        sets.put(key, value);
        assertThatThrownBy(() -> ChartRenderer.render(MODULE, "production", out, "lag", sets))
                .hasMessageContaining(message);
    }

    /**
     * A release upgraded with {@code --reuse-values} from a chart without {@code consumerLagAutoscaling} has no such
     * map: the autoscalers render on CPU alone instead of failing the upgrade.
     */
    @Test
    void autoscalersRenderWithoutTheLagValuesAtAll(@TempDir Path out) throws IOException {
        Map<String, Object> sets = new LinkedHashMap<>();
        sets.put("consumerLagAutoscaling", "null"); // helm: --set key=null removes the key
        Manifests rendered = Manifests.read(ChartRenderer.render(MODULE, "production", out, "no-lag-values", sets));
        assertThat(rendered.ofKind("HorizontalPodAutoscaler")).hasSize(4)
                .allSatisfy(hpa -> assertThat(metricTypes(hpa)).containsExactly("Resource"));
    }

    private static List<String> metricTypes(JsonNode hpa) {
        List<String> types = new ArrayList<>();
        hpa.path("spec").path("metrics").forEach(m -> types.add(m.path("type").asText()));
        return types;
    }

    // --- Kafka ACLs ------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"dev", "dev-witness", "production"})
    void eachServiceReadsAndWritesOnlyItsOwnTopics(String overlay) throws IOException {
        assertThat(Invariants.kafkaAcls(DOCS.resolve("topics.md"), RELEASE, overlay(overlay))).isEmpty();
    }

    @Test
    void anAclOnAnotherServicesTopicIsReported() throws IOException {
        Manifests broken = production.copy();
        ObjectNode user = broken.ofKind("KafkaUser").stream()
                .filter(u -> u.path("metadata").path("name").asText().equals("crosstenant-gateway")).findFirst().orElseThrow();
        ObjectNode acl = ((ArrayNode) user.path("spec").path("authorization").path("acls")).addObject();
        acl.putObject("resource").put("type", "topic").put("name", "audit.records").put("patternType", "literal");
        acl.putArray("operations").add("Read").add("Write");
        assertThat(Invariants.kafkaAcls(DOCS.resolve("topics.md"), RELEASE, broken)).containsExactly(
                "KafkaUser/crosstenant-gateway ACL on topic audit.records grants Read, but docs/topics.md does not make gateway a consumer of it",
                "KafkaUser/crosstenant-gateway ACL on topic audit.records grants Write, but docs/topics.md does not make gateway its producer");
    }

    // --- NetworkPolicies -----------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"dev", "dev-witness", "production"})
    void onlyTheGatewayIsReachableFromOutsideAndEachServiceReachesOnlyKafkaAndItsOwnDatabase(String overlay) {
        NetworkReach reach = new NetworkReach(overlay(overlay), RELEASE);
        assertThat(reach.violations(RELEASE, OWN_DB)).isEmpty();
        var e = reach.endpoints();
        assertThat(reach.reaches(e.get("crosstenant-invitation-service"), e.get("database crosstenant-invitation-db"))).isTrue();
        assertThat(reach.reaches(e.get("crosstenant-invitation-service"), e.get("kafka crosstenant"))).isTrue();
        assertThat(reach.reaches(e.get("crosstenant-gateway"), e.get("crosstenant-audit-service"))).isTrue();
        assertThat(reach.reaches(e.get("outside"), e.get("crosstenant-gateway"))).isTrue();
        assertThat(reach.reaches(e.get("crosstenant-gateway"), e.get("database crosstenant-invitation-db"))).isFalse();
        assertThat(reach.reachablePorts(e.get("outside"), e.get("database crosstenant-audit-db"))).isEmpty();
    }

    @Test
    void aDatabaseOpenToOtherNamespacesIsReported() {
        Manifests broken = new Manifests(production.copy().objects().stream()
                .filter(o -> !Manifests.id(o).equals("NetworkPolicy/crosstenant-policy-db")).toList());
        assertThat(new NetworkReach(broken, RELEASE).violations(RELEASE, OWN_DB))
                .containsExactly("database crosstenant-policy-db admits PostgreSQL connections from outside the namespace");
    }

    @Test
    void onlyAuditServiceReachesAWitness() {
        NetworkReach reach = new NetworkReach(devWitness, RELEASE);
        var e = reach.endpoints();
        var witness = e.get("crosstenant-witness-contoso");
        assertThat(reach.reaches(e.get("crosstenant-audit-service"), witness)).isTrue();
        assertThat(e.values().stream().filter(src -> src != witness && reach.reaches(src, witness)).map(NetworkReach.Endpoint::name))
                .containsExactly("crosstenant-audit-service");
    }

    @Test
    void aPolicyLettingInvitationServiceReachAuditsDatabaseIsReported() throws IOException {
        ObjectNode leak = (ObjectNode) Manifests.YAML.readTree("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: leak}
                spec:
                  podSelector: {matchLabels: {app.kubernetes.io/name: invitation-service}}
                  policyTypes: [Egress]
                  egress:
                    - to: [{podSelector: {matchLabels: {cnpg.io/cluster: crosstenant-audit-db}}}]
                      ports: [{port: 5432}]
                """);
        NetworkReach egressOnly = new NetworkReach(production.with(leak), RELEASE);
        assertThat(egressOnly.violations(RELEASE, OWN_DB)).as("the database's own ingress policy still refuses").isEmpty();
        ObjectNode admit = (ObjectNode) Manifests.YAML.readTree("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: admit}
                spec:
                  podSelector: {matchLabels: {cnpg.io/cluster: crosstenant-audit-db}}
                  policyTypes: [Ingress]
                  ingress:
                    - from: [{podSelector: {matchLabels: {app.kubernetes.io/name: invitation-service}}}]
                """);
        NetworkReach reach = new NetworkReach(production.with(leak, admit), RELEASE);
        assertThat(reach.violations(RELEASE, OWN_DB)).containsExactly(
                "NetworkPolicy lets crosstenant-invitation-service reach another service's database crosstenant-audit-db");
    }

    @Test
    void aServiceOpenToOtherNamespacesIsReported() throws IOException {
        ObjectNode open = (ObjectNode) Manifests.YAML.readTree("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: open}
                spec:
                  podSelector: {matchLabels: {app.kubernetes.io/name: policy-service}}
                  policyTypes: [Ingress]
                  ingress:
                    - from: [{namespaceSelector: {}}]
                """);
        NetworkReach reach = new NetworkReach(dev.with(open), RELEASE);
        assertThat(reach.violations(RELEASE, OWN_DB))
                .containsExactly("crosstenant-policy-service admits traffic from outside the namespace");
    }

    /**
     * invitation-service pushes Shared Signals to the tenants' receivers (docs/config/invitation-service.md): its
     * NetworkPolicy lets it open HTTPS to addresses outside the cluster (public ranges only) and nothing else besides
     * DNS, Kafka and its database; without that rule every push would time out.
     */
    @Test
    void invitationServiceMayPushSharedSignalsOverHttpsOnly() {
        for (String overlay : List.of("dev", "production")) {
            ObjectNode policy = overlay(overlay).ofKind("NetworkPolicy").stream()
                    .filter(p -> p.path("metadata").path("name").asText().equals(RELEASE + "-invitation-service"))
                    .findFirst().orElseThrow();
            List<JsonNode> outward = new ArrayList<>();
            policy.path("spec").path("egress").forEach(rule -> {
                if (rule.path("to").findValue("ipBlock") != null) {
                    outward.add(rule);
                }
            });
            assertThat(outward).as(overlay + ": egress rules to addresses outside the cluster").singleElement()
                    .satisfies(rule -> {
                        assertThat(rule.path("ports").findValuesAsText("port")).containsExactly("443");
                        assertThat(rule.path("to").findValue("except").toString())
                                .contains("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16");
                    });
        }
    }

    /**
     * The Kafka listener speaks TLS, and every Kafka client container says SASL_SSL and trusts a CA file that a
     * volume from Strimzi's cluster CA Secret really puts there; a client left on SASL_PLAINTEXT, or pointing at a
     * file nothing mounts, could not connect.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "dev-witness", "production"})
    void kafkaClientsSpeakTlsAndTrustStrimzisClusterCa(String overlay) {
        Manifests m = overlay(overlay);
        assertThat(m.ofKind("Kafka").get(0).path("spec").path("kafka").path("listeners").findValuesAsText("tls"))
                .as(overlay + ": listener tls").containsOnly("true");
        assertThat(kafkaTlsProblems(m)).as(overlay).isEmpty();
    }

    @Test
    void aKafkaClientWithoutItsCaMountIsReported() {
        Manifests broken = production.copy();
        ObjectNode gateway = container(deployment(broken, "gateway"));
        ArrayNode mounts = (ArrayNode) gateway.path("volumeMounts");
        for (int i = mounts.size() - 1; i >= 0; i--) {
            if (mounts.get(i).path("mountPath").asText().contains("kafka-ca")) {
                mounts.remove(i);
            }
        }
        assertThat(kafkaTlsProblems(broken)).singleElement().asString().contains("gateway");
    }

    /** Problems of each container that has KAFKA_BOOTSTRAP_SERVERS: protocol, trust store file and its volume. */
    static List<String> kafkaTlsProblems(Manifests m) {
        String caSecret = RELEASE + "-cluster-ca-cert";
        List<String> problems = new ArrayList<>();
        for (ObjectNode deployment : m.ofKind("Deployment")) {
            JsonNode pod = deployment.path("spec").path("template").path("spec");
            for (JsonNode c : pod.path("containers")) {
                Map<String, String> env = new LinkedHashMap<>();
                c.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
                if (!env.containsKey("KAFKA_BOOTSTRAP_SERVERS")) {
                    continue;
                }
                String name = c.path("name").asText();
                if (!"SASL_SSL".equals(env.get("KAFKA_SECURITY_PROTOCOL"))) {
                    problems.add(name + ": KAFKA_SECURITY_PROTOCOL " + env.get("KAFKA_SECURITY_PROTOCOL"));
                    continue;
                }
                String file = env.getOrDefault("KAFKA_SSL_TRUSTSTORE_LOCATION", "");
                if (!mountedFromSecret(pod, c, file, caSecret)) {
                    problems.add(name + ": trust store " + file + " is not mounted from Secret " + caSecret);
                }
            }
        }
        return problems;
    }

    /**
     * Every invitation-service replica signs Shared Signals SETs with the same key (a receiver fetches one JWKS): the
     * chart requires a key file and mounts it from the Secret named by {@code secrets.ssfSigningKey}.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "production"})
    void invitationServiceSignsSharedSignalsWithTheKeyFromItsSecret(String overlay) {
        ObjectNode deployment = deployment(overlay(overlay), "invitation-service");
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        JsonNode c = container(deployment);
        Map<String, String> env = new LinkedHashMap<>();
        c.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        assertThat(env).containsEntry("CROSSTENANT_SSF_SIGNING_KEY_REQUIRED", "true");
        assertThat(mountedFromSecret(pod, c, env.get("CROSSTENANT_SSF_SIGNING_KEY_LOCATION"), "crosstenant-ssf-key"))
                .as(overlay + ": " + env.get("CROSSTENANT_SSF_SIGNING_KEY_LOCATION")).isTrue();
        assertThat(mountedFromSecret(pod, c, env.get("CROSSTENANT_SSF_SIGNING_KEY_LOCATION"), "another-secret"))
                .as("the check tells Secrets apart").isFalse();
    }

    /** Whether a container's file lies in a volume mount whose volume projects it from that Secret. */
    static boolean mountedFromSecret(JsonNode pod, JsonNode container, String file, String secret) {
        if (file == null) {
            return false;
        }
        for (JsonNode mount : container.path("volumeMounts")) {
            String dir = mount.path("mountPath").asText() + "/";
            if (!file.startsWith(dir)) {
                continue;
            }
            for (JsonNode volume : pod.path("volumes")) {
                if (volume.path("name").asText().equals(mount.path("name").asText())
                        && volume.path("secret").path("secretName").asText().equals(secret)
                        && volume.path("secret").path("items").findValuesAsText("path")
                                .contains(file.substring(dir.length()))) {
                    return true;
                }
            }
        }
        return false;
    }

    // --- strict reading with fabric8's model classes ---------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"dev", "dev-witness", "production"})
    void coreObjectsReadWithFabric8sModelWithoutUnknownFields(String overlay) {
        assertThat(StrictModel.check(overlay(overlay))).isEmpty();
    }

    @Test
    void anUnknownFieldIsReportedWithItsPath() {
        Manifests broken = production.copy();
        container(deployment(broken, "gateway")).putObject("livenessProbe").putObject("httpGet")
                .put("path", "/q/health/live").put("port", "http").put("pathh", "typo");
        ObjectNode svc = broken.ofKind("Service").get(0);
        ((ObjectNode) svc.path("spec")).put("selectr", "typo");
        assertThat(StrictModel.check(broken)).containsExactlyInAnyOrder(
                "Deployment/crosstenant-gateway has unknown field(s) [pathh] at spec.template.spec.containers[0].livenessProbe.httpGet",
                Manifests.id(svc) + " has unknown field(s) [selectr] at spec");
    }
}
