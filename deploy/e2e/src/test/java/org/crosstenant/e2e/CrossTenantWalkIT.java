package org.crosstenant.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.crosstenant.platform.tlog.CanonicalJson;
import org.crosstenant.platform.tlog.Checkpoint;
import org.crosstenant.platform.tlog.MerkleHash;
import org.crosstenant.platform.tlog.MerkleProofs;
import org.crosstenant.platform.tlog.NoteKey;
import org.crosstenant.platform.tlog.SignedNote;
import org.crosstenant.stack.LocalStack;
import org.crosstenant.stack.StackSettings;
import org.crosstenant.stack.infra.KeycloakTokens;
import org.crosstenant.stack.infra.jwt.RsaKeys;
import org.crosstenant.stack.infra.jwt.Rs256Jwt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The walk of issue #2, against the real stack the local-stack command starts (real Kafka, PostgreSQL, Keycloak, the
 * four built services and the demo upstream), through the gateway only, with real tokens from both realms. The steps
 * build on each other, so they run in order on one stack. Steps 4 and 14–16 are issue #9's walk: both security teams
 * keep a signed checkpoint before the invitations, then fetch one cosigned by both tenants' witnesses, prove every
 * record of their tenant in it and the log's growth from the kept one, and run the offline verifier on their export
 * (and on an edited copy, which must fail naming the record).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrossTenantWalkIT {

    private static final String APP = "contoso-projects";
    private static final String BOB = "bob@fabrikam.example";
    private static final String CAROL = "carol@fabrikam.example";
    private static final Duration FLOW = Duration.ofSeconds(30);

    private LocalStack stack;
    private Gateway gateway;
    private AuditStream erinsStream;
    private String alice, dave, frank, erin, bob, carol, partner;
    private String bobsInvitation, carolsInvitation;
    /** per auditor token: the checkpoint (and its note) it kept before the invitations, and the one after the walk */
    private final Map<String, Checkpoint> checkpointsBefore = new java.util.HashMap<>();
    private final Map<String, String> checkpointNotesBefore = new java.util.HashMap<>();
    private final Map<String, Checkpoint> checkpointsAfter = new java.util.HashMap<>();

    @BeforeAll
    void startTheStack() throws Exception {
        Path repoRoot = Path.of(System.getProperty("crosstenant.repo.root", "../..")).toAbsolutePath().normalize();
        Path home = Files.createTempDirectory("crosstenant-e2e");
        StackSettings settings = new StackSettings(repoRoot, home, StackSettings.Ports.free(), null, true);
        long begin = System.nanoTime();
        stack = LocalStack.start(settings, message -> System.out.println("[e2e stack] " + message));
        System.out.printf("[e2e stack] ready in %.1f s%n", (System.nanoTime() - begin) / 1e9);
        gateway = new Gateway(settings.gatewayUrl());

        alice = password("contoso", "alice");
        dave = password("contoso", "dave");
        frank = password("fabrikam", "frank");
        erin = password("fabrikam", "erin");
        bob = password("fabrikam", "bob");
        carol = password("fabrikam", "carol");
        partner = KeycloakTokens.clientCredentials(settings.issuer("fabrikam"), "fabrikam-partner", "fabrikam-partner-secret");
    }

    @AfterAll
    void stopTheStack() {
        if (erinsStream != null) {
            erinsStream.close();
        }
        StackProcesses.closeAndCheck(stack);
    }

    @Test
    @Order(1)
    void securityTeamsWatchLive() {
        erinsStream = new AuditStream(gateway, erin);
        await().atMost(Duration.ofSeconds(10)).until(() -> erinsStream.status() != 0);
        assertEquals(200, erinsStream.status());
    }

    @Test
    @Order(2)
    void contosoRegistersItsApplicationAndTrustsFabrikam() {
        Gateway.Answer registered = gateway.put("/api/v1/tenants/contoso/applications/" + APP, alice,
                Map.of("upstreamUrl", stack.settings().demoUpstreamUrl(), "displayName", "Contoso projects"));
        assertEquals(200, registered.status(), registered.toString());

        Gateway.Answer inbound = gateway.put("/api/v1/tenants/contoso/access-settings/partners/fabrikam", alice,
                Map.of("inbound", collaboration(List.of("all"), List.of(APP))));
        assertEquals(200, inbound.status(), inbound.toString());
        assertEquals(200, gateway.get("/api/v1/tenants/contoso/access-settings/partners/fabrikam", alice).status());
    }

    @Test
    @Order(3)
    void aFabrikamAdminCannotTouchContosoSettings() {
        Gateway.Answer read = gateway.get("/api/v1/tenants/contoso/access-settings/partners/fabrikam", frank);
        assertEquals(403, read.status(), read.toString());
        assertProblem(read);
        Gateway.Answer write = gateway.put("/api/v1/tenants/contoso/access-settings/partners/fabrikam", frank,
                Map.of("inbound", collaboration(List.of("all"), List.of("all"))));
        assertEquals(403, write.status(), write.toString());
    }

    @Test
    @Order(4)
    void bothSecurityTeamsKeepACheckpointBeforeTheInvitations() {
        // the settings of step 2 are audited, so a signed checkpoint follows within an interval
        for (String auditor : List.of(dave, erin)) {
            await().atMost(FLOW).pollInterval(Duration.ofMillis(200))
                    .until(() -> gateway.get("/api/v1/audit/checkpoint", auditor).status() == 200);
            String note = gateway.get("/api/v1/audit/checkpoint", auditor).raw().body();
            checkpointsBefore.put(auditor, verifiedCheckpoint(note, false));
            checkpointNotesBefore.put(auditor, note);
        }
    }

    @Test
    @Order(5)
    void fabrikamLetsOnlyBobGoOut() {
        Gateway.Answer outbound = gateway.put("/api/v1/tenants/fabrikam/access-settings/partners/contoso", frank,
                Map.of("outbound", collaboration(List.of(BOB), List.of("all"))));
        assertEquals(200, outbound.status(), outbound.toString());
    }

    @Test
    @Order(6)
    void thePartnerSystemAsksForBobIdempotently() {
        Map<String, Object> request = invitation(BOB);
        String key = UUID.randomUUID().toString();
        Gateway.Answer first = gateway.post("/api/v1/invitations", partner, request, Map.of("Idempotency-Key", key));
        assertEquals(202, first.status(), first.toString());
        String location = first.header("Location");
        assertNotNull(location, "202 without Location");
        // the partner only knows the gateway: a Location on a service's internal address would be unusable
        assertTrue(location.startsWith(gateway.baseUrl() + "/api/v1/invitations/"), location);

        Gateway.Answer again = gateway.post("/api/v1/invitations", partner, request, Map.of("Idempotency-Key", key));
        assertEquals(202, again.status(), again.toString());
        assertEquals(location, again.header("Location"), "the same key and body must give the same invitation");

        Gateway.Answer otherBody = gateway.post("/api/v1/invitations", partner, invitation(CAROL), Map.of("Idempotency-Key", key));
        assertEquals(422, otherBody.status(), otherBody.toString());
        assertProblem(otherBody);

        bobsInvitation = location.substring(location.lastIndexOf('/') + 1);
    }

    @Test
    @Order(7)
    void bothSidesSettingsAllowBobAndHeRedeemsOnce() {
        JsonNode approved = awaitStatus(bobsInvitation, partner, "pending_acceptance");
        String code = approved.path("redemptionCode").asText(null);
        assertNotNull(code, "the filing party sees the redemption code: " + approved);
        JsonNode asAlice = gateway.get("/api/v1/invitations/" + bobsInvitation, alice).json();
        assertEquals("pending_acceptance", asAlice.path("status").asText(), "contoso's admin sees the invitation: " + asAlice);
        assertTrue(asAlice.path("redemptionCode").isMissingNode() || asAlice.path("redemptionCode").isNull(),
                "only the filing party sees the code: " + asAlice);

        String path = "/api/v1/invitations/" + bobsInvitation + "/redeem";
        assertEquals(403, gateway.post(path, carol, Map.of("code", code)).status(), "carol is not the invitee");
        Gateway.Answer wrongCode = gateway.post(path, bob, Map.of("code", "not-the-code"));
        assertEquals(422, wrongCode.status(), wrongCode.toString());
        Gateway.Answer redeemed = gateway.post(path, bob, Map.of("code", code));
        assertEquals(200, redeemed.status(), redeemed.toString());
        Gateway.Answer secondUse = gateway.post(path, bob, Map.of("code", code));
        assertEquals(409, secondUse.status(), secondUse.toString());
    }

    @Test
    @Order(8)
    void bobReachesContosoProjectsWithAFederatedIdentity() {
        String appPath = "/apps/contoso/" + APP + "/boards?sprint=7";
        await().atMost(FLOW).pollInterval(Duration.ofMillis(200))
                .until(() -> gateway.get(appPath, bob).status() == 200);
        JsonNode seen = gateway.get(appPath, bob).json();
        assertTrue(seen.path("tokenVerified").asBoolean(), seen.toString());
        JsonNode identity = seen.path("identity");
        assertEquals("fabrikam", identity.path("homeTenant").asText());
        // sub is the gateway's, unique under its issuer; bob's subject at fabrikam travels as home_sub
        assertEquals(claim(bob, "sub"), identity.path("homeSubject").asText());
        String federatedSubject = identity.path("subject").asText();
        assertEquals(43, federatedSubject.length(), identity.toString());
        assertFalse(federatedSubject.contains(claim(bob, "sub")), identity.toString());
        assertEquals(BOB, identity.path("email").asText());
        assertTrue(identity.path("emailVerified").asBoolean(), "fabrikam vouches for an address in its own domain");
        assertTrue(identity.path("guest").asBoolean(), "bob is a guest in contoso");
        assertEquals("contoso", identity.path("resourceTenant").asText());
        assertEquals("/boards?sprint=7", seen.path("path").asText());
        seen.path("headersReceived").fields().forEachRemaining(header ->
                assertFalse(header.getValue().asText().contains(bob), "the upstream received bob's own token in " + header.getKey()));
    }

    @Test
    @Order(9)
    void strangersAreRefused() throws Exception {
        String appPath = "/apps/contoso/" + APP + "/";
        Gateway.Answer carolTries = gateway.get(appPath, carol);
        assertEquals(403, carolTries.status(), "carol was never invited: " + carolTries);
        assertProblem(carolTries);

        var evilKeys = RsaKeys.generate();
        long now = Instant.now().getEpochSecond();
        String unknownIssuer = Rs256Jwt.sign(Map.of(
                "iss", "http://127.0.0.1:1/realms/northwind", "sub", "mallory", "aud", "crosstenant-gateway",
                "email", "mallory@northwind.example", "iat", now, "exp", now + 300), evilKeys.getPrivate(), "evil");
        Gateway.Answer unknown = gateway.get(appPath, unknownIssuer);
        assertEquals(401, unknown.status(), unknown.toString());

        // bob's real header and claims with a signature Keycloak never made
        String[] parts = bob.split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[256]);
        assertEquals(401, gateway.get(appPath, forged).status());
        assertEquals(401, gateway.get(appPath, null).status());
    }

    @Test
    @Order(10)
    void contosoRevokesAndBobIsShutOutWithinSeconds() {
        Gateway.Answer revoked = gateway.post("/api/v1/invitations/" + bobsInvitation + "/revoke", alice, Map.of());
        assertEquals(200, revoked.status(), revoked.toString());
        long begin = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> gateway.get("/apps/contoso/" + APP + "/", bob).status() == 403);
        System.out.printf("[e2e] revocation reached the gateway in %d ms%n", (System.nanoTime() - begin) / 1_000_000);
    }

    @Test
    @Order(11)
    void fabrikamOutboundSettingsDenyCarolWithAReason() {
        Gateway.Answer filed = gateway.post("/api/v1/invitations", partner, invitation(CAROL),
                Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        assertEquals(202, filed.status(), filed.toString());
        String location = filed.header("Location");
        carolsInvitation = location.substring(location.lastIndexOf('/') + 1);
        JsonNode denied = awaitStatus(carolsInvitation, partner, "denied");
        String reasons = denied.toString();
        assertTrue(reasons.contains("fabrikam") && reasons.contains("outbound"), "the reason names the rule: " + reasons);
    }

    @Test
    @Order(12)
    void eachSecurityTeamSeesEveryStepOfItsTenantInOrderAndNothingElse() {
        List<String> bobsSteps = List.of("invitation.requested", "policy.decided", "invitation.approved",
                "invitation.redeemed", "invitation.revoked");
        await().atMost(FLOW).pollInterval(Duration.ofMillis(500)).until(() ->
                actionsOf(auditRecords(dave), bobsInvitation).containsAll(bobsSteps)
                        && actionsOf(auditRecords(erin), bobsInvitation).containsAll(bobsSteps)
                        && actionsOf(auditRecords(dave), carolsInvitation).contains("invitation.denied")
                        && actionsOf(auditRecords(erin), carolsInvitation).contains("invitation.denied"));

        for (String auditor : List.of(dave, erin)) {
            String tenant = claim(auditor, "iss").endsWith("/contoso") ? "contoso" : "fabrikam";
            List<JsonNode> records = auditRecords(auditor);
            long previous = -1;
            for (JsonNode record : records) {
                assertTrue(StreamSupport.stream(record.path("tenants").spliterator(), false)
                        .anyMatch(t -> t.asText().equals(tenant)), tenant + " auditor saw a record of others: " + record);
                assertTrue(record.path("sequence").asLong() > previous, "records out of order");
                previous = record.path("sequence").asLong();
            }
            // the steps in the order they happened (occurredAt); the sequence is the order of appending, and audit
            // consumes each source topic on its own, so a decision may be appended just before its request
            List<JsonNode> bobsRecords = records.stream()
                    .filter(r -> bobsInvitation.equals(r.path("invitationId").asText()))
                    .sorted(java.util.Comparator.comparing((JsonNode r) -> java.time.Instant.parse(r.path("occurredAt").asText()))
                            .thenComparingLong(r -> r.path("sequence").asLong()))
                    .toList();
            assertEquals(bobsSteps, actionsOf(bobsRecords, bobsInvitation).stream().filter(bobsSteps::contains).distinct()
                    .toList(), tenant + " sees bob's steps in the order they happened");
            List<String> actions = records.stream().map(r -> r.path("action").asText()).toList();
            assertTrue(actions.contains("gateway.access-allowed"), tenant + " sees bob's access: " + actions);
            assertTrue(actions.contains("gateway.access-denied"), tenant + " sees carol's refused access: " + actions);
            long settingsChanges = records.stream().filter(r -> r.path("action").asText().equals("policy.access-settings-changed")).count();
            assertEquals(1, settingsChanges, tenant + " sees its own settings change only");
        }
        List<String> daveSees = auditRecords(dave).stream().map(r -> r.path("action").asText()).toList();
        assertTrue(daveSees.contains("policy.application-registered"), "contoso sees its application registered");
        List<String> erinSees = auditRecords(erin).stream().map(r -> r.path("action").asText()).toList();
        assertFalse(erinSees.contains("policy.application-registered"), "contoso's registry is contoso's business");

        assertEquals(403, gateway.get("/api/v1/audit/records", bob).status(), "only auditors read the audit log");
    }

    @Test
    @Order(13)
    void theLiveStreamAndTheSiemTopicCarryTheSameSteps() {
        await().atMost(FLOW).until(() -> erinsStream.records().stream()
                .anyMatch(r -> r.path("action").asText().equals("invitation.revoked")
                        && bobsInvitation.equals(r.path("invitationId").asText())));
        erinsStream.records().forEach(record -> assertTrue(record.path("tenants").toString().contains("fabrikam"), record.toString()));

        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.settings().kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "e2e-siem-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> siem = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            siem.subscribe(List.of("audit.records"));
            List<ConsumerRecord<String, String>> seen = new ArrayList<>();
            await().atMost(FLOW).until(() -> {
                siem.poll(Duration.ofMillis(500)).forEach(seen::add);
                return seen.stream().anyMatch(r -> "contoso".equals(r.key()) && r.value().contains("invitation.revoked"))
                        && seen.stream().anyMatch(r -> "fabrikam".equals(r.key()) && r.value().contains("invitation.revoked"));
            });
            seen.forEach(r -> assertTrue(r.value().contains("\"" + r.key() + "\""), "a record under key " + r.key() + " concerns it"));
        }
    }

    @Test
    @Order(14)
    void bothWitnessesCosignACheckpointThatHoldsTheWholeWalk() {
        for (String auditor : List.of(dave, erin)) {
            long lastOfTheWalk = auditRecords(auditor).stream().mapToLong(r -> r.path("sequence").asLong()).max().orElseThrow();
            // the latest checkpoint may be just signed and not cosigned yet: wait for one that holds the walk and
            // carries three signatures (log, both witnesses), then verify exactly that one
            java.util.concurrent.atomic.AtomicReference<String> cosigned = new java.util.concurrent.atomic.AtomicReference<>();
            await().atMost(FLOW).pollInterval(Duration.ofMillis(250)).until(() -> {
                Gateway.Answer answer = gateway.get("/api/v1/audit/checkpoint", auditor);
                if (answer.status() != 200) {
                    return false;
                }
                SignedNote note = SignedNote.parse(answer.raw().body());
                if (Checkpoint.parse(note.text()).size() >= lastOfTheWalk && note.signatures().size() >= 3) {
                    cosigned.set(answer.raw().body());
                    return true;
                }
                return false;
            });
            checkpointsAfter.put(auditor, verifiedCheckpoint(cosigned.get(), true));
        }
    }

    @Test
    @Order(15)
    void eachAuditorProvesEveryRecordOfItsTenantAndThatTheLogOnlyGrew() {
        for (String auditor : List.of(dave, erin)) {
            Checkpoint after = checkpointsAfter.get(auditor);
            List<JsonNode> records = auditRecords(auditor).stream().filter(r -> r.path("sequence").asLong() <= after.size()).toList();
            assertFalse(records.isEmpty());
            for (JsonNode record : records) {
                Gateway.Answer proof = gateway.get("/api/v1/audit/records/" + record.path("sequence").asLong()
                        + "/proof?treeSize=" + after.size(), auditor);
                assertEquals(200, proof.status(), proof.toString());
                // the leaf is made here from the record as served, never taken from the service
                byte[] leaf = MerkleHash.leaf(canonicalEntry(record).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                MerkleProofs.verifyInclusion(record.path("leafIndex").asLong(), after.size(), leaf,
                        hashes(proof.json().path("proof")), after.rootHash());
            }
            Checkpoint before = checkpointsBefore.get(auditor);
            Gateway.Answer consistency = gateway.get("/api/v1/audit/consistency?from=" + before.size() + "&to=" + after.size(), auditor);
            assertEquals(200, consistency.status(), consistency.toString());
            MerkleProofs.verifyConsistency(before.size(), after.size(), before.rootHash(), after.rootHash(),
                    hashes(consistency.json().path("proof")));
        }
    }

    @Test
    @Order(16)
    void eachAuditorsExportPassesTheOfflineVerifierAndAnEditedOneFailsNamingTheRecord() throws Exception {
        Path work = Files.createTempDirectory("crosstenant-e2e-export");
        Path logKey = Files.writeString(work.resolve("audit.vkey"), gateway.get("/api/v1/audit/checkpoint/key", null).raw().body());
        Path contosoWitness = Files.writeString(work.resolve("contoso-witness.vkey"), stack.settings().witnessVkey("contoso"));
        Path fabrikamWitness = Files.writeString(work.resolve("fabrikam-witness.vkey"), stack.settings().witnessVkey("fabrikam"));
        for (String auditor : List.of(dave, erin)) {
            String tenant = claim(auditor, "iss").endsWith("/contoso") ? "contoso" : "fabrikam";
            Path previous = Files.writeString(work.resolve(tenant + "-before.note"), checkpointNotesBefore.get(auditor));
            // proved against the checkpoint both witnesses cosigned (the latest may not carry their cosignatures yet)
            Gateway.Answer export = gateway.get("/api/v1/audit/export?format=ndjson&since=" + checkpointsBefore.get(auditor).size()
                    + "&treeSize=" + checkpointsAfter.get(auditor).size(), auditor);
            assertEquals(200, export.status(), export.toString());
            Path exported = Files.writeString(work.resolve(tenant + ".ndjson"), export.raw().body());
            List<String> command = List.of("--log-key", logKey.toString(), "--witness-key", contosoWitness.toString(),
                    "--witness-key", fabrikamWitness.toString(), "--previous", previous.toString());

            Verification good = verify(command, exported);
            assertEquals(0, good.exit(), tenant + "'s export must verify: " + good);

            // change one of the tenant's records of the walk: the verifier must name exactly that record
            List<String> lines = new ArrayList<>(Files.readAllLines(exported));
            int edited = -1;
            for (int i = 0; i < lines.size() && edited < 0; i++) {
                JsonNode line = Gateway.JSON.readTree(lines.get(i));
                if ("record".equals(line.path("type").asText()) && bobsInvitation.equals(line.path("record").path("invitationId").asText())) {
                    ((com.fasterxml.jackson.databind.node.ObjectNode) line.path("record")).put("outcome", "edited-after-the-fact");
                    lines.set(i, Gateway.JSON.writeValueAsString(line));
                    edited = i;
                }
            }
            assertTrue(edited >= 0, "the export holds a record of bob's invitation");
            long editedSequence = Gateway.JSON.readTree(lines.get(edited)).path("record").path("sequence").asLong();
            Path tampered = Files.write(work.resolve(tenant + "-edited.ndjson"), lines);
            Verification bad = verify(command, tampered);
            assertEquals(1, bad.exit(), "an edited export must fail: " + bad);
            assertTrue(bad.stderr().contains("sequence " + editedSequence + " "), "the failure names the edited record: " + bad);
        }
    }

    /**
     * Every metric the chart's alert rules read (deploy/kubernetes/chart/crosstenant/alerts/alerts.yaml) is exposed by a
     * service of the running stack at {@code /q/metrics}, so an alert on a metric nobody exposes fails here. One
     * malformed record on {@code gateway.access} first makes audit-service dead-letter it, which registers
     * {@code crosstenant_consumer_dead_lettered_total} (counters of that kind appear at their first event). It runs
     * last, after the walk: some meters appear only once their service has handled a first request or decision
     * (Quarkus creates the beans that register them on first use), e.g. {@code http_server_requests_seconds_count}.
     */
    @Test
    @Order(17)
    void everyMetricTheAlertRulesReadIsExposedByTheRunningServices() throws Exception {
        Path rules = stack.settings().repoRoot().resolve("deploy/kubernetes/chart/crosstenant/alerts/alerts.yaml");
        Set<String> used = AlertMetrics.used(Files.readString(rules));
        assertTrue(used.contains("crosstenant_outbox_parked_rows"), "the rules were read: " + used);

        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.settings().kafkaBootstrap(),
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("gateway.access", "e2e-metrics", "not a CloudEvent")).get();
        }
        StackSettings.Ports ports = stack.settings().ports();
        List<Integer> services = List.of(ports.gateway(), ports.invitation(), ports.policy(), ports.audit(),
                ports.witnessContoso(), ports.witnessFabrikam());
        await().atMost(FLOW).untilAsserted(() -> {
            Set<String> exposed = new java.util.TreeSet<>();
            for (int port : services) {
                HttpResponse<String> scrape = gateway.client().send(HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + "/q/metrics")).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, scrape.statusCode(), "GET /q/metrics on port " + port);
                exposed.addAll(AlertMetrics.exposed(scrape.body()));
            }
            assertEquals(Set.of(), AlertMetrics.missing(used, exposed), "metrics the alert rules read but no service exposes");
        });
    }

    /** The offline verifier's exit code and output, run as a security team runs it: its own JVM, its built jar. */
    private record Verification(int exit, String stdout, String stderr) {
    }

    private Verification verify(List<String> options, Path export) throws Exception {
        Path jar = stack.settings().repoRoot().resolve("deploy/audit-verifier/target/audit-verifier.jar");
        assertTrue(Files.isRegularFile(jar), "build the verifier first: " + jar);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(options);
        command.add(export.toString());
        Path out = Files.createTempFile("verifier", ".out");
        Path err = Files.createTempFile("verifier", ".err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "the verifier did not finish");
        return new Verification(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /**
     * Parses a checkpoint note and verifies it with the log's published key and, when asked, with both tenants'
     * witness keys (C2SP tlog-cosignature): all of them must have signed.
     */
    private Checkpoint verifiedCheckpoint(String noteText, boolean cosignedByBothWitnesses) {
        NoteKey logKey = NoteKey.parse(gateway.get("/api/v1/audit/checkpoint/key", null).raw().body().trim());
        List<NoteKey> keys = new ArrayList<>(List.of(logKey));
        if (cosignedByBothWitnesses) {
            keys.add(NoteKey.parse(stack.settings().witnessVkey("contoso")));
            keys.add(NoteKey.parse(stack.settings().witnessVkey("fabrikam")));
        }
        SignedNote note = SignedNote.parse(noteText);
        List<NoteKey> verified = note.verify(keys);
        assertEquals(keys.size(), verified.size(), "signed by " + verified + " of " + keys);
        return Checkpoint.parse(note.text());
    }

    /** The record's entry in the Merkle tree as docs/audit.md "Canonical record bytes" specifies it. */
    private static String canonicalEntry(JsonNode served) {
        Map<String, Object> entry = new java.util.TreeMap<>();
        for (String field : CANONICAL_FIELDS) {
            entry.put(field, CanonicalJson.plain(served.path(field)));
        }
        return CanonicalJson.write(entry);
    }

    private static final List<String> CANONICAL_FIELDS = List.of("action", "actor", "application", "details", "homeTenant",
            "invitationId", "occurredAt", "outcome", "recordId", "recordedAt", "resourceTenant", "sequence",
            "sourceEventId", "sourceType", "tenants");

    private static List<byte[]> hashes(JsonNode base64Array) {
        List<byte[]> hashes = new ArrayList<>();
        base64Array.forEach(hash -> hashes.add(Base64.getDecoder().decode(hash.asText())));
        return hashes;
    }

    private JsonNode awaitStatus(String invitationId, String token, String status) {
        return WalkSteps.awaitStatus(gateway, invitationId, token, status, FLOW);
    }

    private List<JsonNode> auditRecords(String token) {
        return WalkSteps.auditRecords(gateway, token);
    }

    private static List<String> actionsOf(List<JsonNode> records, String invitationId) {
        return WalkSteps.actionsOf(records, invitationId);
    }

    private static Map<String, Object> collaboration(List<String> users, List<String> applications) {
        return WalkSteps.collaboration(users, applications);
    }

    private static Map<String, Object> invitation(String email) {
        return WalkSteps.invitation(APP, email);
    }

    private static void assertProblem(Gateway.Answer answer) {
        WalkSteps.assertProblem(answer);
    }

    private String password(String tenant, String user) {
        return KeycloakTokens.passwordGrant(stack.settings().issuer(tenant), "crosstenant-cli", user, user + "-password");
    }

    private static String claim(String token, String name) {
        return WalkSteps.claim(token, name);
    }
}
