package org.crosstenant.testcontainers;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
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
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.crosstenant.e2e.Gateway;
import org.crosstenant.e2e.WalkSteps;
import org.crosstenant.platform.tlog.NoteKey;
import org.crosstenant.platform.tlog.NoteSigner;
import org.crosstenant.stack.DemoUpstream;
import org.crosstenant.stack.infra.Directories;
import org.crosstenant.stack.infra.FreePorts;
import org.crosstenant.stack.infra.KafkaBroker;
import org.crosstenant.stack.infra.KeycloakServer;
import org.crosstenant.stack.infra.KeycloakTokens;
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
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The core of the cross-tenant walk (issue #2; {@code CrossTenantWalkIT} runs all of it on the local stack's
 * processes) on containers, the way a cluster runs the suite (issue #10 item 5): the four services' own images (the
 * tars the build made with Jib) and Kafka, PostgreSQL and Keycloak images built on this machine ({@link LocalImages}),
 * started by Testcontainers through podman's Docker-compatible API. No image comes from a registry: the private
 * podman configuration names none, and every container has a pull policy that never pulls.
 * <p>
 * The podman API service is this test's own ({@code podman system service} on a socket under
 * ~/.cache/crosstenant/testcontainers, the configuration of {@link Podman}); the build points Testcontainers at it
 * (DOCKER_HOST) with Ryuk off, and this class does Ryuk's job: every container carries the label {@value #LABEL},
 * leftovers of an earlier, killed run are removed before the walk, this run's after it, and the service is stopped.
 * <p>
 * Containers share the host's network (podman 4.3's rootful bridge networking is not needed and port mapping adds
 * nothing): each listens on a free port chosen here and passed in its environment. The services run as in Kubernetes:
 * read-only root file system with a tmpfs on /tmp, user 10001, the gateway's keys mounted read-only.
 * <p>
 * The walk: contoso trusts fabrikam for its application, fabrikam lets only bob go out; the partner system asks for
 * bob; policy-service decides, invitation-service approves; bob redeems (a wrong code is refused) and reaches the
 * application through the gateway as a federated guest (carol, never invited, is refused); both security teams read
 * the audit records of every step.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainersWalkIT {

    /** The label on every container this test starts; its value is the run's id. */
    static final String LABEL = "org.crosstenant.testcontainers.run";
    private static final String APP = DemoUpstream.APPLICATION;
    private static final String BOB = "bob@fabrikam.example";
    private static final String CAROL = "carol@fabrikam.example";
    private static final Duration FLOW = Duration.ofSeconds(60);

    private final Path repo = Path.of(System.getProperty("crosstenant.repo.root", "../..")).toAbsolutePath().normalize();
    private final String version = System.getProperty("crosstenant.project.version", "0.1.0-SNAPSHOT");
    private final Path cache = Path.of(System.getProperty("crosstenant.testcontainers.cache",
            System.getProperty("user.home") + "/.cache/crosstenant/testcontainers"));
    private final Path imagesCache = Path.of(System.getProperty("crosstenant.images.cache",
            System.getProperty("user.home") + "/.cache/crosstenant/images"));
    private final String runId = UUID.randomUUID().toString();
    private final List<GenericContainer<?>> containers = new ArrayList<>();

    private Podman podman;
    private Process service;
    private FileChannel walkLock;
    private Path work;
    private DemoUpstream upstream;
    private String upstreamUrl;
    private Gateway gateway;
    private int keycloakPort;
    private String alice, dave, frank, erin, bob, carol, partner;
    private String bobsInvitation;

    @BeforeAll
    void startTheSuiteInContainers() throws Exception {
        long begin = System.nanoTime();
        // one walk at a time per machine: the clean-up removes every container carrying the walk's label, which
        // would stop another checkout's walk midway; a second walk waits here for the first to finish
        Files.createDirectories(cache);
        walkLock = FileChannel.open(cache.resolve("walk.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        walkLock.lock();
        podman = Podman.withPrivateConfig(cache.resolve("podman"));
        startApiService();
        removeLeftovers();
        work = repo.resolve("deploy/testcontainers/target/walk");
        Directories.deleteQuietly(work);
        Files.createDirectories(work);

        LocalImages images = new LocalImages(podman, cache);
        String jre17 = images.base(imagesCache.resolve("base-jre17.tar"));
        String jre21 = images.base(imagesCache.resolve("base-jre21.tar"));
        String kafkaImage = images.kafka(jre17, KafkaBroker.defaultLibs());
        String postgresImage = images.postgres(jre17);
        String keycloakImage = images.keycloak(jre21);
        Map<String, String> services = new HashMap<>();
        for (String module : List.of("invitation-service", "policy-service", "audit-service", "gateway")) {
            Path tar = repo.resolve(module).resolve("target").resolve(module + "-image.tar");
            assertTrue(Files.isRegularFile(tar), tar + " missing: build it with -am and without -Dcrosstenant.images.skip=true");
            services.put(module, podman.load(tar));
        }
        log("images ready in %.1f s", begin);

        // infrastructure: the three do not depend on each other
        int kafkaPort = port();
        int postgresPort = port();
        keycloakPort = port();
        GenericContainer<?> kafka = kafka(kafkaImage, kafkaPort, port());
        GenericContainer<?> postgres = container(postgresImage, "postgres")
                .withCommand("bash", "-c", "/opt/postgres/bin/initdb -D /tmp/pg -U postgres -A trust -E UTF8 --locale=C"
                        + " >/tmp/initdb.log && exec /opt/postgres/bin/postgres -D /tmp/pg -p " + postgresPort
                        + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=/tmp -c fsync=off")
                .waitingFor(Ready.logContains("database system is ready to accept connections"));
        GenericContainer<?> keycloak = container(keycloakImage, "keycloak")
                .withEnv("KC_BOOTSTRAP_ADMIN_USERNAME", KeycloakServer.DEFAULT_ADMIN_USERNAME)
                .withEnv("KC_BOOTSTRAP_ADMIN_PASSWORD", KeycloakServer.DEFAULT_ADMIN_PASSWORD)
                .withEnv("JAVA_OPTS_KC_HEAP", KeycloakServer.DEFAULT_HEAP)
                .withEnv("JAVA_OPTS_APPEND", KeycloakServer.DEFAULT_JVM_OPTIONS)
                .withCommand("/opt/keycloak/bin/kc.sh", "start", "--optimized", "--http-enabled=true",
                        "--http-host=127.0.0.1", "--http-port=" + keycloakPort, "--hostname-strict=false",
                        "--cache=local", "--import-realm")
                .waitingFor(Ready.http(URI.create(issuer("fabrikam") + "/.well-known/openid-configuration")));
        startAll(List.of(kafka, postgres, keycloak));
        PostgresServer database = PostgresServer.external("127.0.0.1", postgresPort, "postgres", "postgres");
        for (String name : List.of("invitation", "policy", "audit")) {
            database.ensureDatabase(name);
        }
        log("Kafka, PostgreSQL and Keycloak ready in %.1f s", begin);

        Path keys = keys();
        int gatewayPort = port();
        String gatewayUrl = "http://127.0.0.1:" + gatewayPort;
        upstreamUrl = "http://127.0.0.1:" + port();
        upstream = DemoUpstream.start(URI.create(upstreamUrl).getPort(), gatewayUrl);
        Map<String, String> common = new HashMap<>();
        common.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + kafkaPort);
        common.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", "/keys/gateway-public.pem");
        int invitationPort = port();
        int policyPort = port();
        int auditPort = port();
        Map<String, String> invitationEnv = databaseEnv(common, database, "invitation");
        invitationEnv.put("CROSSTENANT_TENANTS_CONTOSO_DOMAINS", "contoso.example");
        invitationEnv.put("CROSSTENANT_TENANTS_FABRIKAM_DOMAINS", "fabrikam.example,fabrikam-labs.example");
        invitationEnv.put("CROSSTENANT_SSF_ISSUER", gatewayUrl);
        // the images run the prod profile, where audit-service refuses to start without its checkpoint key
        Map<String, String> auditEnv = databaseEnv(common, database, "audit");
        auditEnv.put("CROSSTENANT_AUDIT_CHECKPOINT_SIGNING_KEY",
                NoteSigner.generate("crosstenant.example/audit", NoteKey.ED25519).skey());
        startAll(List.of(
                suiteService(services.get("invitation-service"), "invitation-service", invitationPort, keys, invitationEnv),
                suiteService(services.get("policy-service"), "policy-service", policyPort, keys,
                        databaseEnv(common, database, "policy")),
                suiteService(services.get("audit-service"), "audit-service", auditPort, keys, auditEnv)));
        Map<String, String> gatewayEnv = new HashMap<>();
        gatewayEnv.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + kafkaPort);
        gatewayEnv.put("CROSSTENANT_GATEWAY_OIDC_BASE_URL", "http://127.0.0.1:" + keycloakPort);
        gatewayEnv.put("CROSSTENANT_GATEWAY_SIGNING_KEY_PRIVATE_LOCATION", "/keys/gateway-private.pem");
        gatewayEnv.put("CROSSTENANT_GATEWAY_SIGNING_KEY_PUBLIC_LOCATION", "/keys/gateway-public.pem");
        gatewayEnv.put("CROSSTENANT_GATEWAY_SERVICES_INVITATION_URL", "http://127.0.0.1:" + invitationPort);
        gatewayEnv.put("CROSSTENANT_GATEWAY_SERVICES_POLICY_URL", "http://127.0.0.1:" + policyPort);
        gatewayEnv.put("CROSSTENANT_GATEWAY_SERVICES_AUDIT_URL", "http://127.0.0.1:" + auditPort);
        startAll(List.of(suiteService(services.get("gateway"), "gateway", gatewayPort, keys, gatewayEnv)));
        gateway = new Gateway(gatewayUrl);
        log("the suite is ready in containers after %.1f s", begin);

        alice = password("contoso", "alice");
        dave = password("contoso", "dave");
        frank = password("fabrikam", "frank");
        erin = password("fabrikam", "erin");
        bob = password("fabrikam", "bob");
        carol = password("fabrikam", "carol");
        partner = KeycloakTokens.clientCredentials(issuer("fabrikam"), "fabrikam-partner", "fabrikam-partner-secret");
    }

    @AfterAll
    void removeEverything() {
        try {
            // one podman command for all (each container's stop and removal through the API took 20-40 s here,
            // one after the other); Testcontainers' stop then only finds them gone
            if (podman != null) {
                removeLeftovers();
            }
            for (GenericContainer<?> container : containers) {
                try {
                    container.stop();
                } catch (RuntimeException e) {
                    System.err.println("[containers walk] stopping " + container.getDockerImageName() + ": " + e);
                }
            }
            if (upstream != null) {
                upstream.close();
            }
            if (podman != null) {
                removeLeftovers();
                // a reloaded image tar leaves the previous image of that tag behind, untagged (vfs: a full copy)
                podman.run("image", "prune", "--force");
                assertEquals("", labelled(), "containers of this run left behind");
            }
        } finally {
            stopApiService();
        }
    }

    private void stopApiService() {
        try {
            if (service != null) {
                service.destroy();
                if (!service.waitFor(30, TimeUnit.SECONDS)) {
                    service.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            service.destroyForcibly();
        } finally {
            if (walkLock != null) {
                try {
                    walkLock.close(); // releases the lock for the next walk (it goes with the process anyway)
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
        }
    }

    @Test
    @Order(1)
    void contosoTrustsFabrikamForItsApplicationAndFabrikamLetsOnlyBobGoOut() {
        Gateway.Answer registered = gateway.put("/api/v1/tenants/contoso/applications/" + APP, alice,
                Map.of("upstreamUrl", upstreamUrl, "displayName", "Contoso projects"));
        assertEquals(200, registered.status(), registered.toString());
        Gateway.Answer inbound = gateway.put("/api/v1/tenants/contoso/access-settings/partners/fabrikam", alice,
                Map.of("inbound", WalkSteps.collaboration(List.of("all"), List.of(APP))));
        assertEquals(200, inbound.status(), inbound.toString());
        Gateway.Answer foreign = gateway.get("/api/v1/tenants/contoso/access-settings/partners/fabrikam", frank);
        assertEquals(403, foreign.status(), "a fabrikam admin reads contoso's settings: " + foreign);
        Gateway.Answer outbound = gateway.put("/api/v1/tenants/fabrikam/access-settings/partners/contoso", frank,
                Map.of("outbound", WalkSteps.collaboration(List.of(BOB), List.of("all"))));
        assertEquals(200, outbound.status(), outbound.toString());
    }

    @Test
    @Order(2)
    void thePartnerSystemAsksForBobAndPolicyApproves() {
        Gateway.Answer filed = gateway.post("/api/v1/invitations", partner, WalkSteps.invitation(APP, BOB),
                Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        assertEquals(202, filed.status(), filed.toString());
        String location = filed.header("Location");
        assertNotNull(location, "202 without Location");
        assertTrue(location.startsWith(gateway.baseUrl() + "/api/v1/invitations/"), location);
        bobsInvitation = location.substring(location.lastIndexOf('/') + 1);
        JsonNode approved = WalkSteps.awaitStatus(gateway, bobsInvitation, partner, "pending_acceptance", FLOW);
        assertNotNull(approved.path("redemptionCode").asText(null), "the filing party sees the code: " + approved);
    }

    @Test
    @Order(3)
    void bobRedeemsAndReachesContosoProjectsAsAFederatedGuest() {
        String code = gateway.get("/api/v1/invitations/" + bobsInvitation, partner).json().path("redemptionCode").asText();
        String path = "/api/v1/invitations/" + bobsInvitation + "/redeem";
        Gateway.Answer wrongCode = gateway.post(path, bob, Map.of("code", "not-the-code"));
        assertEquals(422, wrongCode.status(), wrongCode.toString());
        Gateway.Answer redeemed = gateway.post(path, bob, Map.of("code", code));
        assertEquals(200, redeemed.status(), redeemed.toString());

        String appPath = "/apps/contoso/" + APP + "/boards?sprint=7";
        await("bob reaches " + appPath).atMost(FLOW).pollInterval(Duration.ofMillis(200))
                .until(() -> gateway.get(appPath, bob).status() == 200);
        JsonNode seen = gateway.get(appPath, bob).json();
        assertTrue(seen.path("tokenVerified").asBoolean(), seen.toString());
        JsonNode identity = seen.path("identity");
        assertEquals("fabrikam", identity.path("homeTenant").asText(), identity.toString());
        assertEquals(WalkSteps.claim(bob, "sub"), identity.path("homeSubject").asText());
        assertFalse(identity.path("subject").asText().contains(WalkSteps.claim(bob, "sub")), identity.toString());
        assertTrue(identity.path("guest").asBoolean(), "bob is a guest in contoso: " + identity);
        assertEquals("contoso", identity.path("resourceTenant").asText());

        Gateway.Answer carolTries = gateway.get(appPath, carol);
        assertEquals(403, carolTries.status(), "carol was never invited: " + carolTries);
        WalkSteps.assertProblem(carolTries);
        assertEquals(401, gateway.get(appPath, null).status());
    }

    @Test
    @Order(4)
    void bothSecurityTeamsSeeEveryStepInTheAuditLog() {
        List<String> steps = List.of("invitation.requested", "policy.decided", "invitation.approved",
                "invitation.redeemed");
        await("audit records of " + bobsInvitation).atMost(FLOW).pollInterval(Duration.ofMillis(500)).until(() ->
                WalkSteps.actionsOf(WalkSteps.auditRecords(gateway, dave), bobsInvitation).containsAll(steps)
                        && WalkSteps.actionsOf(WalkSteps.auditRecords(gateway, erin), bobsInvitation).containsAll(steps));
        List<String> contoso = WalkSteps.actionsOf(WalkSteps.auditRecords(gateway, dave), bobsInvitation);
        assertTrue(contoso.indexOf("invitation.requested") < contoso.indexOf("invitation.redeemed"), contoso.toString());
        Gateway.Answer notAnAuditor = gateway.get("/api/v1/audit/records?limit=1&after=0", bob);
        assertEquals(403, notAnAuditor.status(), "a guest reads the audit log: " + notAnAuditor);
    }

    /** Kafka in KRaft mode with deploy/infra's broker settings; storage formatted in the container's /tmp. */
    private GenericContainer<?> kafka(String image, int port, int controllerPort) throws IOException {
        Path config = Files.createDirectories(work.resolve("kafka"));
        Files.writeString(config.resolve("server.properties"),
                KafkaBroker.serverProperties(Path.of("/tmp/kafka-data"), port, controllerPort, Map.of()));
        Files.writeString(config.resolve("log4j2.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <Configuration status="WARN">
                  <Appenders><Console name="out" target="SYSTEM_OUT"><PatternLayout pattern="[%d] %p %m (%c)%n"/></Console></Appenders>
                  <Loggers><Root level="INFO"><AppenderRef ref="out"/></Root><Logger name="kafka.request.logger" level="WARN"/></Loggers>
                </Configuration>
                """);
        readableByAll(config);
        String java = "java -Xmx512m -Xms64m -Dlog4j2.configurationFile=/config/log4j2.xml -cp '/opt/kafka/libs/*' ";
        return container(image, "kafka")
                .withFileSystemBind(config.toString(), "/config", BindMode.READ_ONLY)
                .withCommand("bash", "-c", java + "kafka.tools.StorageTool format -t " + KafkaBroker.clusterId()
                        + " -c /config/server.properties && exec " + java + "kafka.Kafka /config/server.properties")
                .waitingFor(Ready.logContains("Kafka Server started"));
    }

    /** A service image as Kubernetes runs it (read-only root, /tmp a tmpfs, user 10001, keys read-only). */
    private GenericContainer<?> suiteService(String image, String name, int port, Path keys, Map<String, String> env) {
        GenericContainer<?> container = container(image, name)
                .withEnv(env)
                .withEnv("QUARKUS_HTTP_PORT", Integer.toString(port))
                .withFileSystemBind(keys.toString(), "/keys", BindMode.READ_ONLY)
                .withTmpFs(Map.of("/tmp", "rw"))
                .waitingFor(Ready.http(URI.create("http://127.0.0.1:" + port + "/q/health/ready")));
        container.withCreateContainerCmdModifier(command -> command.getHostConfig().withReadonlyRootfs(true));
        return container;
    }

    /** Every container: host network, user 10001, this run's label, never pulled. */
    private GenericContainer<?> container(String image, String name) {
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image))
                .withNetworkMode("host")
                .withLabel(LABEL, runId)
                .withImagePullPolicy(imageName -> false)
                .withCreateContainerCmdModifier(command -> command.withUser("10001")
                        .withName("crosstenant-tc-" + name + "-" + runId.substring(0, 8)));
        containers.add(container);
        return container;
    }

    /** Starts the containers side by side (Testcontainers prints the log of one that does not get ready). */
    private void startAll(List<GenericContainer<?>> group) {
        CompletableFuture.allOf(group.stream().map(container -> CompletableFuture.runAsync(container::start))
                .toArray(CompletableFuture[]::new)).join();
    }

    /**
     * Starts podman's API service on the socket the build gave Testcontainers (DOCKER_HOST) and waits until it
     * answers {@code GET /_ping}; only then may Testcontainers connect (it gives up for good on a first failure).
     */
    private void startApiService() {
        String dockerHost = System.getenv("DOCKER_HOST");
        assertNotNull(dockerHost, "DOCKER_HOST unset: run through the build (deploy/testcontainers/pom.xml)");
        assertTrue(dockerHost.startsWith("unix://"), dockerHost);
        Path socket = Path.of(dockerHost.substring("unix://".length()));
        service = podman.startService(socket);
        await("podman API on " + socket).atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                .failFast("podman system service exited", () -> !service.isAlive())
                .until(() -> ping(socket));
        assertTrue(DockerClientFactory.instance().isDockerAvailable(), "Testcontainers does not see podman's API");
    }

    private static boolean ping(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap("GET /_ping HTTP/1.0\r\nHost: podman\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer answer = ByteBuffer.allocate(256);
            channel.read(answer);
            return new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII).contains(" 200 ");
        } catch (IOException notYet) {
            return false;
        }
    }

    /** Removes every container with this test's label, of this run or of an earlier one that was killed. */
    private void removeLeftovers() {
        List<String> ids = labelled().lines().filter(line -> !line.isBlank()).toList();
        if (!ids.isEmpty()) {
            List<String> command = new ArrayList<>(List.of("rm", "--force", "--time", "5"));
            command.addAll(ids);
            podman.run(command);
        }
    }

    private String labelled() {
        return podman.run("ps", "--all", "--quiet", "--filter", "label=" + LABEL).out().trim();
    }

    private Map<String, String> databaseEnv(Map<String, String> common, PostgresServer database, String name) {
        Map<String, String> env = new HashMap<>(common);
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", database.reactiveUrl(name));
        env.put("QUARKUS_DATASOURCE_JDBC_URL", database.jdbcUrl(name));
        env.put("QUARKUS_DATASOURCE_USERNAME", database.username());
        env.put("QUARKUS_DATASOURCE_PASSWORD", database.password());
        return env;
    }

    /** The gateway's signing key pair, as a Secret mount would hold it (readable by user 10001). */
    private Path keys() throws IOException {
        Path keys = Files.createDirectories(work.resolve("keys"));
        var pair = RsaKeys.generate();
        RsaKeys.writePrivatePem(pair.getPrivate(), keys.resolve("gateway-private.pem"));
        RsaKeys.writePublicPem(pair.getPublic(), keys.resolve("gateway-public.pem"));
        readableByAll(keys);
        return keys;
    }

    /**
     * A free loopback port below the kernel's ephemeral range, reserved against other JVMs ({@link FreePorts}): a port
     * picked inside that range may be taken by an outgoing connection (Kafka's, PostgreSQL clients') before the
     * container that should listen on it has started — seen here with Keycloak, the slowest to bind.
     */
    private int port() {
        return FreePorts.pick();
    }

    private String issuer(String tenant) {
        return "http://127.0.0.1:" + keycloakPort + "/realms/" + tenant;
    }

    private String password(String tenant, String user) {
        return KeycloakTokens.passwordGrant(issuer(tenant), "crosstenant-cli", user, user + "-password");
    }

    private static void readableByAll(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
    }

    private static void log(String format, long beginNanos) {
        System.out.printf("[containers walk] " + format + "%n", (System.nanoTime() - beginNanos) / 1e9);
    }
}
