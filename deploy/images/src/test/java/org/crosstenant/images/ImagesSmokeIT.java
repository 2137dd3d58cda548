package org.crosstenant.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;

import org.crosstenant.platform.tlog.NoteKey;
import org.crosstenant.platform.tlog.NoteSigner;
import org.crosstenant.stack.infra.Directories;
import org.crosstenant.stack.infra.FreePorts;
import org.crosstenant.stack.infra.HttpProbe;
import org.crosstenant.stack.infra.KafkaBroker;
import org.crosstenant.stack.infra.KafkaSaslSsl;
import org.crosstenant.stack.infra.Podman;
import org.crosstenant.stack.infra.PostgresServer;
import org.crosstenant.stack.infra.jwt.RsaKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Smoke test of the suite's OCI images (issue #10 item 1): each image tar the build made is loaded into a private
 * podman store ({@link Podman}) and run as Kubernetes would run it — {@code --read-only} root file system (podman's
 * tmpfs on /tmp only), {@code --user 10001}, secrets mounted read-only under /keys — against a real Kafka and
 * PostgreSQL started here with the local stack's own classes (deploy/infra), until {@code GET /q/health/ready}
 * answers 200. All service containers start together (their JVMs start side by side) and are removed at the end.
 * The environment of each service is the local stack's (deploy/local-stack LocalStack, docs/config/*.md), except
 * Kafka's: that is the rendered Helm chart's (deploy/kubernetes, production values, {@link ChartKafka}) — SASL_SSL
 * with SCRAM-SHA-512, the cluster CA as a PEM trust store mounted where the chart mounts it, topic provisioning off.
 * The broker plays Strimzi's part: a SASL_SSL listener ({@link KafkaSaslSsl}) with Kafka's authorizer on, the
 * chart's KafkaTopics created (one replica, {@code min.insync.replicas=1}: one broker) and its KafkaUsers made into
 * SCRAM credentials and ACLs; services get only that listener's address. A poison record on every topic a service
 * reads then proves each consumer reads with its own user and writes its dead-letter topic through its ACLs, and one
 * access event that audit-service writes its record, OCSF and checkpoint topics through its own. The audit
 * verifier's image runs {@code --help}, {@code --version}, a verification of a tiny export (exit 0) and of the
 * same export tampered with (exit 1). The last test shows the readiness wait fails: a service image without a
 * reachable database is not reported ready.
 * <p>
 * The gateway gets no identity provider: its issuers point at a closed port. docs/config/gateway.md says a realm that
 * is unreachable at startup does not stop it (the tenant is initialised on first use), so readiness does not need
 * Keycloak; token checks are the end-to-end walk's business, not this smoke test's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImagesSmokeIT {

    private static final String AUDIT_ORIGIN = "crosstenant.example/audit";
    /** A cold Quarkus start on two busy cores plus podman's vfs set-up: generous, readiness itself takes seconds. */
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(5);
    /** Consumers are up by then: one record through them takes seconds (2.9 s for all ten dead-letter topics here). */
    private static final Duration DEAD_LETTER_TIMEOUT = Duration.ofMinutes(2);

    private final Path repo = Path.of(System.getProperty("crosstenant.repo.root", "../.."));
    private final String version = System.getProperty("crosstenant.project.version", "0.1.0-SNAPSHOT");
    private static final String NO_DATABASE = "policy-service-without-database";
    private final List<String> containers = new ArrayList<>();
    /** image name by artifact, loaded once */
    private final Map<String, String> images = new HashMap<>();
    private final Map<String, Started> started = new HashMap<>();
    private final String runId = Long.toString(ProcessHandle.current().pid());
    private Podman podman;
    private FileChannel storeLock;
    private PostgresServer postgres;
    private KafkaBroker kafka;
    /** the SASL_SSL listener the services use; the broker's PLAINTEXT port is the administrator's (a super user) */
    private KafkaSaslSsl kafkaListener;
    private ChartKafka chart;
    /** KafkaUser name → its SCRAM password */
    private final Map<String, String> scramPasswords = new HashMap<>();
    /** what Strimzi's {@code <cluster>-cluster-ca-cert} Secret would hold: the broker's CA certificate */
    private Path kafkaCa;
    private Path work;
    private Path keys;
    private final NoteSigner auditLog = NoteSigner.generate(AUDIT_ORIGIN, NoteKey.ED25519);
    private final NoteSigner witness = NoteSigner.generate("witness.contoso.example", NoteKey.COSIGNATURE);

    @BeforeAll
    void startInfrastructure() throws IOException {
        Path cache = Path.of(System.getProperty("crosstenant.images.cache",
                System.getProperty("user.home") + "/.cache/crosstenant/images"));
        Path podmanHome = Files.createDirectories(cache.resolveSibling("podman"));
        // one smoke test at a time per store: the images are loaded under fixed names and pruned at the end, so two
        // builds on one machine (CI beside a developer's) would otherwise run or delete each other's images
        storeLock = FileChannel.open(podmanHome.resolve("smoke-test.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        storeLock.lock();
        podman = Podman.withPrivateConfig(podmanHome);
        work = repo.resolve("deploy/images/target/smoke");
        Directories.deleteQuietly(work);
        Files.createDirectories(work);
        CompletableFuture<PostgresServer> database = CompletableFuture.supplyAsync(
                () -> PostgresServer.start(null, 0));
        chart = ChartKafka.read(renderedChart());
        kafkaListener = KafkaSaslSsl.create(work.resolve("kafka-tls"), FreePorts.pick());
        int kafkaPort = FreePorts.pick();
        int controllerPort = FreePorts.pick();
        kafka = KafkaBroker.start(KafkaBroker.defaultLibs(), work.resolve("kafka"), kafkaPort, controllerPort,
                kafkaListener.brokerSettings(kafkaPort, controllerPort, true));
        actAsStrimzi();
        postgres = database.join();
        for (String name : List.of("invitation", "policy", "audit")) {
            postgres.ensureDatabase(name);
        }
        // what a Kubernetes Secret mount would hold, readable by the images' user 10001
        keys = Files.createDirectories(work.resolve("keys"));
        var pair = RsaKeys.generate();
        RsaKeys.writePrivatePem(pair.getPrivate(), keys.resolve("gateway-private.pem"));
        RsaKeys.writePublicPem(pair.getPublic(), keys.resolve("gateway-public.pem"));
        readableByAll(keys);
        startEveryServiceImage();
    }

    /** The chart rendered with the production values by the kubernetes module (a build-order dependency). */
    private Path renderedChart() throws IOException {
        Path rendered = repo.resolve("deploy/kubernetes/target/rendered/production.yaml");
        assertThat(rendered).as("the rendered chart (built by deploy/kubernetes before this module)").exists();
        // run alone (-pl deploy/images without -am) the module would read whatever an older build rendered; the realm
        // copies under files/realms are the kubernetes build's own output, written while it renders
        Path chartDir = repo.resolve("deploy/kubernetes/chart");
        try (var files = Files.walk(chartDir)) {
            var newest = files.filter(Files::isRegularFile)
                    .filter(f -> !chartDir.relativize(f).toString().contains("files/realms/")).map(f -> {
                try {
                    return Files.getLastModifiedTime(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).max(java.util.Comparator.naturalOrder()).orElseThrow();
            assertThat(Files.getLastModifiedTime(rendered)).as("%s is older than the chart's files: build "
                    + "deploy/kubernetes first (-am)", rendered).isGreaterThanOrEqualTo(newest);
        }
        return rendered;
    }

    /**
     * What Strimzi's Topic and User Operators would do with the chart's objects, done on the PLAINTEXT listener as
     * the super user: every KafkaTopic created (one broker: one replica, {@code min.insync.replicas} 1), every
     * KafkaUser given a SCRAM-SHA-512 credential and its ACLs, and the cluster CA written where a Secret mount would
     * put it.
     */
    private void actAsStrimzi() throws IOException {
        try (Admin admin = admin()) {
            List<NewTopic> topics = chart.topics().stream().map(topic -> {
                Map<String, String> config = new HashMap<>(topic.config());
                config.put("min.insync.replicas", "1");
                return new NewTopic(topic.name(), topic.partitions(), (short) 1).configs(config);
            }).toList();
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
            List<UserScramCredentialAlteration> credentials = new ArrayList<>();
            for (String user : chart.users().keySet()) {
                String password = "smoke-" + UUID.randomUUID();
                scramPasswords.put(user, password);
                credentials.add(new UserScramCredentialUpsertion(user,
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password));
            }
            admin.alterUserScramCredentials(credentials).all().get(60, TimeUnit.SECONDS);
            admin.createAcls(chart.users().values().stream().flatMap(List::stream).toList()).all()
                    .get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the broker refused the chart's topics, users or ACLs", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        kafkaCa = Files.createDirectories(work.resolve("kafka-ca"));
        Files.copy(kafkaListener.caCertificate(), kafkaCa.resolve("ca.crt"));
        readableByAll(kafkaCa);
    }

    /** An administrator's client on the broker's PLAINTEXT listener (User:ANONYMOUS, the super user). */
    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    /**
     * The chart's Kafka variables of a service's container, as its pod would get them: the bootstrap address is this
     * broker's SASL_SSL listener, {@code sasl.jaas.config} comes from the Secret Strimzi makes for the KafkaUser of
     * the same name (the credential {@link #actAsStrimzi()} made).
     */
    private Map<String, String> kafkaEnv(String artifact) {
        Map<String, String> env = new HashMap<>();
        for (ChartKafka.EnvVar variable : chart.kafkaEnv(artifact)) {
            if (variable.name().equals("KAFKA_BOOTSTRAP_SERVERS")) {
                env.put(variable.name(), kafkaListener.bootstrapServers());
            } else if (variable.value().isPresent()) {
                env.put(variable.name(), variable.value().get());
            } else if (variable.secretKey().orElseThrow().equals("sasl.jaas.config")) {
                String user = variable.secret().orElseThrow();
                String password = scramPasswords.get(user);
                assertThat(password).as("%s's %s names the Secret of KafkaUser %s, which the chart does not declare",
                        artifact, variable.name(), user).isNotNull();
                env.put(variable.name(), KafkaSaslSsl.jaasConfig(user, password));
            } else {
                throw new AssertionError(artifact + "'s " + variable.name() + " comes from a Secret key the smoke test "
                        + "cannot fill: " + variable);
            }
        }
        assertThat(env).as("%s's Kafka settings in the chart", artifact)
                .containsKeys("KAFKA_BOOTSTRAP_SERVERS", "KAFKA_SASL_JAAS_CONFIG", "KAFKA_SSL_TRUSTSTORE_LOCATION")
                .containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
        // the trust store the client reads is the file the chart mounts from Strimzi's CA Secret
        var mount = chart.clusterCaMount(artifact).orElseThrow(() ->
                new AssertionError(artifact + " mounts no <cluster>-cluster-ca-cert Secret in the chart"));
        assertThat(env.get("KAFKA_SSL_TRUSTSTORE_LOCATION")).as("%s's trust store", artifact)
                .isEqualTo(mount.getKey() + "/" + mount.getValue());
        return env;
    }

    @AfterAll
    void stopEverything() {
        if (podman != null) {
            if (!containers.isEmpty()) {
                List<String> remove = new ArrayList<>(List.of("rm", "--force", "--time", "10"));
                remove.addAll(containers);
                podman.run(remove);
            }
            // the store is this test's own (Podman): leave no image behind, the tars are the build's output
            podman.run("image", "prune", "--all", "--force");
        }
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (storeLock != null) {
            try {
                storeLock.close(); // releases the lock
            } catch (IOException ignored) {
                // the lock goes with the process anyway
            }
        }
    }

    /**
     * Loads every service image and starts all of them at once, detached, plus policy-service a second time without a
     * reachable database: the JVMs start side by side (two cores) instead of one after the other, and each test below
     * waits for its own container. Called by {@link #startInfrastructure()} (two {@code @BeforeAll} methods would run
     * in no promised order).
     */
    private void startEveryServiceImage() {
        Map<String, String> witnessEnv = new HashMap<>();
        witnessEnv.put("CROSSTENANT_WITNESS_SIGNING_KEY", witness.skey());
        witnessEnv.put("CROSSTENANT_WITNESS_STATE_DIRECTORY", "/tmp/witness");
        witnessEnv.put("CROSSTENANT_WITNESS_LOGS_AUDIT_ORIGIN", AUDIT_ORIGIN);
        witnessEnv.put("CROSSTENANT_WITNESS_LOGS_AUDIT_VKEY", auditLog.verifierKey().vkey());
        start("witness", "deploy/witness", "witness", witnessEnv);

        Map<String, String> invitationEnv = serviceEnv("invitation");
        invitationEnv.put("CROSSTENANT_TENANTS_CONTOSO_DOMAINS", "contoso.example");
        invitationEnv.put("CROSSTENANT_TENANTS_FABRIKAM_DOMAINS", "fabrikam.example");
        start("invitation-service", "invitation-service", "invitation-service", invitationEnv);

        start("policy-service", "policy-service", "policy-service", serviceEnv("policy"));

        Map<String, String> auditEnv = serviceEnv("audit");
        auditEnv.put("CROSSTENANT_AUDIT_CHECKPOINT_SIGNING_KEY", auditLog.skey());
        auditEnv.put("CROSSTENANT_AUDIT_WITNESSES_CONTOSO_URL", "http://127.0.0.1:" + FreePorts.pick());
        auditEnv.put("CROSSTENANT_AUDIT_WITNESSES_CONTOSO_VKEY", witness.verifierKey().vkey());
        auditEnv.put("CROSSTENANT_AUDIT_WITNESSES_CONTOSO_TENANT", "contoso");
        start("audit-service", "audit-service", "audit-service", auditEnv);

        Map<String, String> gatewayEnv = kafkaEnv("gateway");
        gatewayEnv.put("CROSSTENANT_GATEWAY_OIDC_BASE_URL", "http://127.0.0.1:" + FreePorts.pick());
        gatewayEnv.put("CROSSTENANT_GATEWAY_SIGNING_KEY_PRIVATE_LOCATION", "/keys/gateway-private.pem");
        gatewayEnv.put("CROSSTENANT_GATEWAY_SIGNING_KEY_PUBLIC_LOCATION", "/keys/gateway-public.pem");
        start("gateway", "gateway", "gateway", gatewayEnv);

        // the same image with a database nobody listens on (a closed port)
        Map<String, String> noDatabase = serviceEnv("policy");
        int closed = FreePorts.pick();
        noDatabase.put("QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://127.0.0.1:" + closed + "/policy");
        noDatabase.put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://127.0.0.1:" + closed + "/policy");
        start(NO_DATABASE, "policy-service", "policy-service", noDatabase);
    }

    @Test
    @Order(1)
    void witnessImageGetsReady() {
        awaitReady("witness");
    }

    @Test
    @Order(2)
    void invitationServiceImageGetsReady() {
        awaitReady("invitation-service");
    }

    @Test
    @Order(3)
    void policyServiceImageGetsReady() {
        awaitReady("policy-service");
    }

    @Test
    @Order(4)
    void auditServiceImageGetsReady() {
        awaitReady("audit-service");
    }

    @Test
    @Order(5)
    void gatewayImageGetsReady() {
        awaitReady("gateway");
    }

    /**
     * One malformed record (a CloudEvent whose JSON ends early) on every topic the chart has a dead-letter topic for
     * ({@code <topic>.dlq.<consumer>}): each consumer reads it with its own KafkaUser and group over SASL_SSL and
     * writes it to its dead-letter topic, which only its ACLs allow. A missing ACL, a client that does not carry
     * the SASL settings (a dead-letter producer, say) or a KafkaTopic the service does not use leaves a topic empty.
     */
    @Test
    @Order(6)
    void everyConsumerDeadLettersPoisonThroughItsOwnAclsOverSaslSsl() throws Exception {
        Map<String, Integer> deadLetterTopics = chart.topics().stream().filter(t -> t.name().contains(".dlq."))
                .collect(Collectors.toMap(ChartKafka.Topic::name, ChartKafka.Topic::partitions));
        assertThat(deadLetterTopics).as("the chart's dead-letter topics").isNotEmpty();
        // every topic a service reads has a dead-letter topic that service may write: the poison below reaches each read
        chart.users().forEach((user, bindings) -> {
            Set<String> writes = topicsWith(bindings, AclOperation.WRITE);
            for (String read : topicsWith(bindings, AclOperation.READ)) {
                assertThat(writes).as("%s reads %s: its dead-letter topics", user, read)
                        .anyMatch(topic -> topic.startsWith(read + ".dlq.") && deadLetterTopics.containsKey(topic));
            }
        });
        Set<String> sources = deadLetterTopics.keySet().stream().map(t -> t.substring(0, t.indexOf(".dlq.")))
                .collect(Collectors.toCollection(TreeSet::new));
        Map<String, Long> before = recordCounts(deadLetterTopics);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(administratorProducer())) {
            for (String source : sources) {
                ProducerRecord<String, String> poison = new ProducerRecord<>(source, "images-smoke", "{\"type\":");
                poison.headers().add("content-type", utf8("application/cloudevents+json"));
                producer.send(poison).get(30, TimeUnit.SECONDS);
            }
        }
        awaitMoreRecordsOn(deadLetterTopics, before);
    }

    /** The literal topic names a user's bindings allow an operation on. */
    private static Set<String> topicsWith(List<AclBinding> bindings,
            AclOperation operation) {
        return bindings.stream().filter(b -> b.pattern().resourceType() == ResourceType.TOPIC
                        && b.entry().operation() == operation
                        && b.entry().permissionType() == AclPermissionType.ALLOW)
                .map(b -> b.pattern().name()).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Producer settings of the administrator (PLAINTEXT listener, super user). */
    private Map<String, Object> administratorProducer() {
        return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    }

    /** Records written to each topic so far: its end offsets summed (they only grow, whatever the cleanup policy). */
    private Map<String, Long> recordCounts(Map<String, Integer> partitionsByTopic) throws Exception {
        try (Admin admin = admin()) {
            return recordCounts(admin, partitionsByTopic);
        }
    }

    private static Map<String, Long> recordCounts(Admin admin, Map<String, Integer> partitionsByTopic) throws Exception {
        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        partitionsByTopic.forEach((topic, partitions) -> {
            for (int p = 0; p < partitions; p++) {
                ends.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
        });
        Map<String, Long> records = new HashMap<>();
        partitionsByTopic.keySet().forEach(topic -> records.put(topic, 0L));
        admin.listOffsets(ends).all().get(30, TimeUnit.SECONDS).forEach((partition, end) ->
                records.merge(partition.topic(), end.offset(), Long::sum));
        return records;
    }

    /** Waits until every topic holds more records than {@code before} (one admin client for the whole wait). */
    private void awaitMoreRecordsOn(Map<String, Integer> partitionsByTopic, Map<String, Long> before) {
        try (Admin admin = admin()) {
            await("a new record on each of " + new TreeSet<>(partitionsByTopic.keySet())).atMost(DEAD_LETTER_TIMEOUT)
                    .pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                        Set<String> unchanged = new TreeSet<>();
                        recordCounts(admin, partitionsByTopic).forEach((topic, count) -> {
                            if (count <= before.get(topic)) {
                                unchanged.add(topic);
                            }
                        });
                        assertThat(unchanged).as("topics without a new record").isEmpty();
                    });
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * One access event as the gateway writes it (binary-mode CloudEvent; the gateway's own example payload) on
     * {@code gateway.access}: audit-service appends it and its relays publish the record, its OCSF twin and a signed
     * checkpoint — a record on every topic other than dead-letter topics that its KafkaUser may write, each write
     * allowed only by those ACLs and sent over SASL_SSL.
     */
    @Test
    @Order(7)
    void auditServiceWritesEveryTopicOfItsAclsAfterOneAccessEvent() throws Exception {
        Set<String> writable = topicsWith(chart.users().get("crosstenant-audit-service"),
                AclOperation.WRITE);
        writable.removeIf(topic -> topic.contains(".dlq."));
        assertThat(writable).as("audit-service's topics in the chart").contains("audit.records", "audit.checkpoints");
        String example = Files.readString(repo.resolve(
                "gateway/src/main/resources/events/org.crosstenant.gateway.access-allowed.v1.json"));
        ProducerRecord<String, String> access = new ProducerRecord<>("gateway.access", "contoso:fabrikam", example);
        access.headers().add("ce_specversion", utf8("1.0"));
        access.headers().add("ce_id", utf8(UUID.randomUUID().toString()));
        access.headers().add("ce_type", utf8("org.crosstenant.gateway.access-allowed.v1"));
        access.headers().add("ce_source", utf8("/images-smoke"));
        access.headers().add("ce_subject", utf8("contoso"));
        access.headers().add("content-type", utf8("application/json"));
        Map<String, Integer> topics = chart.topics().stream().filter(t -> writable.contains(t.name()))
                .collect(Collectors.toMap(ChartKafka.Topic::name, ChartKafka.Topic::partitions));
        assertThat(topics.keySet()).as("a KafkaTopic for each topic audit-service may write").isEqualTo(writable);
        Map<String, Long> before = recordCounts(topics);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(administratorProducer())) {
            producer.send(access).get(30, TimeUnit.SECONDS);
        }
        awaitMoreRecordsOn(topics, before);
    }

    @Test
    @Order(8)
    void auditVerifierImageVerifiesAnExport() throws IOException {
        String image = podman.load(imageTar("deploy/audit-verifier", "audit-verifier"));
        assertThat(imageUser(image)).isEqualTo("10001");
        Path data = Files.createDirectories(work.resolve("verifier"));

        Podman.Result help = verifier(image, "--help");
        assertThat(help.exitCode()).as(help.err()).isZero();
        assertThat(help.out()).contains("--log-key");
        Podman.Result version = verifier(image, "--version");
        assertThat(version.exitCode()).as(version.err()).isZero();
        assertThat(version.out()).contains("audit-verifier");

        TinyExport export = new TinyExport();
        Files.writeString(data.resolve("log.vkey"), export.logVkey() + "\n");
        Files.writeString(data.resolve("export.ndjson"), export.ndjson("policy.decided"));
        Files.writeString(data.resolve("tampered.ndjson"), export.ndjson("policy.revoked"));
        readableByAll(data);
        Podman.Result verified = verifier(image, "--log-key", "/data/log.vkey", "/data/export.ndjson");
        assertThat(verified.exitCode()).as(verified.err() + verified.out()).isZero();
        Podman.Result tampered = verifier(image, "--log-key", "/data/log.vkey", "/data/tampered.ndjson");
        assertThat(tampered.exitCode()).as(tampered.err() + tampered.out()).isEqualTo(1);
        podman.run("rmi", "--force", image);
    }

    /**
     * The readiness wait can fail: policy-service given a database that does not exist (a closed port) must not be
     * reported ready — its container stops, or its readiness answers 503; it must never answer 200.
     */
    @Test
    @Order(9)
    void anImageWithoutItsDatabaseIsNotReady() {
        Started broken = started.get(NO_DATABASE);
        URI ready = broken.readiness();
        await(NO_DATABASE + " refused or stopped").atMost(READY_TIMEOUT).pollInterval(Duration.ofSeconds(1))
                .failFast(NO_DATABASE + " reported ready without a database", () -> status(ready) == 200)
                .until(() -> !running(broken.container()) || status(ready) == 503);
        assertThat(status(ready)).isNotEqualTo(200);
    }

    private Podman.Result verifier(String image, String... args) {
        List<String> command = new ArrayList<>(List.of("run", "--rm", "--read-only", "--user", "10001",
                "--network", "none", "--volume", work.resolve("verifier") + ":/data:ro", image));
        command.addAll(List.of(args));
        return podman.run(command);
    }

    /** A service with a database: the chart's Kafka settings, the local stack's database and gateway key. */
    private Map<String, String> serviceEnv(String database) {
        Map<String, String> env = kafkaEnv(database + "-service");
        env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", "/keys/gateway-public.pem");
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", postgres.reactiveUrl(database));
        env.put("QUARKUS_DATASOURCE_JDBC_URL", postgres.jdbcUrl(database));
        env.put("QUARKUS_DATASOURCE_USERNAME", postgres.username());
        env.put("QUARKUS_DATASOURCE_PASSWORD", postgres.password() == null ? "" : postgres.password());
        return env;
    }

    /** A container started by {@link #startEveryServiceImage()}: its name and the port its HTTP server listens on. */
    private record Started(String container, String artifact, int port) {
        URI readiness() {
            return URI.create("http://127.0.0.1:" + port + "/q/health/ready");
        }
    }

    /**
     * Loads a module's image (once per run), checks its user and title label, and starts it detached, read-only as
     * uid 10001 on the host's network (Kafka and PostgreSQL listen on loopback).
     */
    private void start(String key, String module, String artifact, Map<String, String> env) {
        String image = images.computeIfAbsent(artifact, ignored -> timed("loaded " + artifact,
                () -> podman.load(imageTar(module, artifact))));
        assertThat(imageUser(image)).isEqualTo("10001");
        assertThat(podman.run("image", "inspect", "--format",
                "{{index .Labels \"org.opencontainers.image.title\"}}", image).out().trim()).isEqualTo(artifact);
        // the heap share comes from the environment, which a deployment's JAVA_TOOL_OPTIONS replaces: on the command
        // line it would win over the chart's setting
        assertThat(podman.run("image", "inspect", "--format", "{{json .Config.Entrypoint}}", image).out())
                .as("%s's entrypoint", artifact).doesNotContain("RAMPercentage").contains("quarkus-run.jar");
        assertThat(podman.run("image", "inspect", "--format", "{{json .Config.Env}}", image).out())
                .as("%s's environment", artifact).contains("JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=75");
        // the port the image declares is the one the application listens on unless told otherwise
        assertThat(podman.run("image", "inspect", "--format", "{{json .Config.ExposedPorts}}", image).out())
                .as("%s's declared port", artifact).contains("\"" + configuredHttpPort(module) + "/tcp\"");
        int port = FreePorts.pick();
        String name = "crosstenant-smoke-" + key + "-" + runId;
        List<String> command = new ArrayList<>(List.of("run", "--detach", "--name", name, "--read-only",
                "--user", "10001", "--network", "host", "--volume", keys + ":/keys:ro",
                "--env", "QUARKUS_HTTP_PORT=" + port));
        chart.clusterCaMount(artifact).ifPresent(mount -> {
            assertThat(mount.getValue()).as("%s's CA file", artifact).isEqualTo("ca.crt");
            command.addAll(List.of("--volume", kafkaCa + ":" + mount.getKey() + ":ro"));
        });
        env.forEach((variable, value) -> command.addAll(List.of("--env", variable + "=" + value)));
        command.add(image);
        podman.run("rm", "--force", name);
        containers.add(name);
        timed("started " + name, () -> podman.run(command).ok(command));
        started.put(key, new Started(name, artifact, port));
    }

    /** Waits until a started container's readiness answers 200; fails early, with its log, when it stops. */
    private void awaitReady(String key) {
        Started container = started.get(key);
        URI ready = container.readiness();
        try {
            await(container.artifact() + " ready at " + ready).atMost(READY_TIMEOUT)
                    .pollInterval(Duration.ofSeconds(1))
                    .failFast(container.artifact() + "'s container stopped", () -> !running(container.container()))
                    .until(() -> status(ready) == 200);
            System.out.printf("[images smoke] %s ready%n", container.container());
        } catch (RuntimeException | Error notReady) {
            Podman.Result logs = podman.run("logs", container.container());
            System.err.println("---- podman logs " + container.container() + "\n" + logs.out() + logs.err());
            throw notReady;
        }
    }

    /** The module's own {@code quarkus.http.port} (its src/main/resources/application.properties). */
    private int configuredHttpPort(String module) {
        Properties properties = new Properties();
        try (var in = Files.newBufferedReader(repo.resolve(module).resolve("src/main/resources/application.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Integer.parseInt(properties.getProperty("quarkus.http.port").trim());
    }

    /** Runs a step and prints how long it took (the CI log shows where the smoke test spends its time). */
    private static <T> T timed(String what, Supplier<T> step) {
        long begin = System.nanoTime();
        T result = step.get();
        System.out.printf("[images smoke] %s in %d ms%n", what, (System.nanoTime() - begin) / 1_000_000);
        return result;
    }

    private boolean running(String name) {
        return podman.run("inspect", "--format", "{{.State.Running}}", name).out().trim().equals("true");
    }

    private static int status(URI uri) {
        return HttpProbe.status(uri);
    }

    private String imageUser(String image) {
        return podman.run("image", "inspect", "--format", "{{.Config.User}}", image).out().trim();
    }

    private Path imageTar(String module, String artifact) {
        Path tar = repo.resolve(module).resolve("target").resolve(artifact + "-image.tar");
        assertThat(tar).as("image tar of %s %s (built by `mvn package`)", module, version).exists();
        return tar;
    }

    private static void readableByAll(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
    }
}
