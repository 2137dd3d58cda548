package org.crosstenant.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.crosstenant.audit.messaging.AuditEventTranslator;
import org.crosstenant.audit.model.AuditRecord;
import org.crosstenant.audit.model.AuditRecordEntity;
import org.crosstenant.audit.service.AuditHasher;
import org.crosstenant.audit.service.AuditLog;
import org.crosstenant.platform.tlog.Checkpoint;
import org.crosstenant.platform.tlog.InvalidProofException;
import org.crosstenant.platform.tlog.MerkleProofs;
import org.crosstenant.platform.tlog.NoteKey;
import org.crosstenant.platform.tlog.SignedNote;
import org.junit.jupiter.api.Test;

/**
 * What a tenant's verifier does with the API alone (docs/audit.md): fetch the public key without a token, a signed
 * checkpoint whose signature verifies with it, an inclusion proof of its own record that leads to that checkpoint's
 * root, and a consistency proof between two checkpoints; the refusals (another tenant's record, bad sizes) are
 * problem+json 4xx.
 */
@QuarkusTest
class ProofApiTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Base64.Decoder BASE64 = Base64.getDecoder();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    AuditLog auditLog;

    @Inject
    AuditEventTranslator translator;

    private AuditRecord append(String resource, String home) {
        return Events.appendDecided(auditLog, translator, resource, home);
    }

    static NoteKey publishedKey() {
        // no token: the key is public
        String vkey = given().get("/api/v1/audit/checkpoint/key").then().statusCode(200)
                .contentType("text/plain;charset=UTF-8").extract().asString();
        return NoteKey.parse(vkey);
    }

    /**
     * The latest checkpoint as a verifier reads it: signature checked with the published key, then parsed; null while
     * none is signed (404).
     */
    static Checkpoint verifiedCheckpoint(String tenant, NoteKey key) {
        var response = Auditors.as(tenant).get("/api/v1/audit/checkpoint");
        if (response.statusCode() == 404) {
            return null;
        }
        String note = response.then().statusCode(200).contentType("text/plain;charset=UTF-8").extract().asString();
        SignedNote signed = SignedNote.parse(note);
        assertThat(signed.verify(List.of(key))).containsExactly(key);
        return Checkpoint.parse(signed.text());
    }

    static Checkpoint checkpointCovering(String tenant, NoteKey key, long sequence) {
        return await().atMost(WAIT).until(() -> verifiedCheckpoint(tenant, key), c -> c != null && c.size() >= sequence);
    }

    private static List<byte[]> hashes(JsonPath body, String path) {
        List<byte[]> out = new ArrayList<>();
        for (String hash : body.<String>getList(path)) {
            out.add(BASE64.decode(hash));
        }
        return out;
    }

    @Test
    void anInclusionProofFromTheApiLeadsToTheRootOfASignedCheckpoint() throws Exception {
        AuditRecord record = append("contoso", "fabrikam");
        NoteKey key = publishedKey();
        Checkpoint checkpoint = checkpointCovering("fabrikam", key, record.sequence());

        JsonPath proof = Auditors.as("fabrikam").get("/api/v1/audit/records/" + record.sequence() + "/proof")
                .then().statusCode(200).extract().jsonPath();
        assertThat(proof.getLong("leafIndex")).isEqualTo(record.sequence() - 1);
        assertThat(proof.getLong("treeSize")).isGreaterThanOrEqualTo(checkpoint.size());
        // the same, for exactly the checkpoint we verified
        proof = Auditors.as("fabrikam").queryParam("treeSize", checkpoint.size())
                .get("/api/v1/audit/records/" + record.sequence() + "/proof").then().statusCode(200).extract().jsonPath();
        assertThat(proof.getLong("treeSize")).isEqualTo(checkpoint.size());
        assertThat(BASE64.decode(proof.getString("rootHash"))).isEqualTo(checkpoint.rootHash());

        // the leaf hash is the record's own: recomputed from the stored row's canonical bytes
        byte[] leafHash;
        try (Connection db = AuditDatabase.connect()) {
            AuditRecordEntity stored = AuditDatabase.records(db).stream()
                    .filter(r -> r.sequence == record.sequence()).findFirst().orElseThrow();
            leafHash = AuditHasher.leafHash(AuditHasher.canonical(stored));
        }
        assertThat(BASE64.decode(proof.getString("leafHash"))).isEqualTo(leafHash);
        MerkleProofs.verifyInclusion(record.sequence() - 1, checkpoint.size(), leafHash, hashes(proof, "proof"),
                checkpoint.rootHash());
        // and it proves nothing for another leaf
        List<byte[]> path = hashes(proof, "proof");
        assertThatThrownBy(() -> MerkleProofs.verifyInclusion(record.sequence() - 1, checkpoint.size(),
                AuditHasher.leafHash("{}"), path, checkpoint.rootHash())).isInstanceOf(InvalidProofException.class);

        // the listing names the leaf to ask a proof for
        Map<String, Object> listed = Auditors.records("contoso", Map.of("invitationId", record.invitationId())).get(0);
        assertThat(((Number) listed.get("leafIndex")).longValue()).isEqualTo(record.sequence() - 1);
    }

    @Test
    void aConsistencyProofFromTheApiLinksTwoSignedCheckpoints() {
        NoteKey key = publishedKey();
        AuditRecord first = append("contoso", "fabrikam");
        Checkpoint older = checkpointCovering("contoso", key, first.sequence());
        AuditRecord second = append("northwind", "contoso");
        append("contoso", "fabrikam");
        Checkpoint newer = checkpointCovering("contoso", key, second.sequence() + 1);
        assertThat(newer.size()).isGreaterThan(older.size());

        JsonPath body = Auditors.as("contoso").queryParam("from", older.size()).queryParam("to", newer.size())
                .get("/api/v1/audit/consistency").then().statusCode(200).extract().jsonPath();
        assertThat(body.getLong("from")).isEqualTo(older.size());
        assertThat(body.getLong("to")).isEqualTo(newer.size());
        List<byte[]> proof = hashes(body, "proof");
        MerkleProofs.verifyConsistency(older.size(), newer.size(), older.rootHash(), newer.rootHash(), proof);
        // a different older root (a split view) does not pass with it
        assertThatThrownBy(() -> MerkleProofs.verifyConsistency(older.size(), newer.size(), AuditHasher.leafHash("x"),
                newer.rootHash(), proof)).isInstanceOf(InvalidProofException.class);
        // equal sizes: an empty proof
        assertThat(Auditors.as("contoso").queryParam("from", newer.size()).queryParam("to", newer.size())
                .get("/api/v1/audit/consistency").then().statusCode(200).extract().jsonPath().getList("proof"))
                .isEmpty();
    }

    @Test
    void aRecordOfAnotherTenantOrNoRecordIsNotFound() {
        AuditRecord record = append("contoso", "fabrikam");
        checkpointCovering("contoso", publishedKey(), record.sequence());
        String otherTenants = Auditors.as("northwind").get("/api/v1/audit/records/" + record.sequence() + "/proof")
                .then().statusCode(404).contentType("application/problem+json").extract().asString();
        String unknown = Auditors.as("northwind").get("/api/v1/audit/records/999999999/proof")
                .then().statusCode(404).contentType("application/problem+json").extract().asString();
        // both say the same: nothing tells the caller that another tenant's record exists
        assertThat(JsonPath.from(otherTenants).getString("detail")).doesNotContain("contoso", "fabrikam");
        assertThat(JsonPath.from(otherTenants).getString("title")).isEqualTo(JsonPath.from(unknown).getString("title"));
        // without the auditor role or a token: refused as the other audit endpoints are
        given().get("/api/v1/audit/records/" + record.sequence() + "/proof").then().statusCode(401);
        given().get("/api/v1/audit/checkpoint").then().statusCode(401);
        given().get("/api/v1/audit/consistency?from=1&to=1").then().statusCode(401);
    }

    /** {@code ascii} with each digit written in the script whose zero is {@code zero} (e.g. U+0660, U+FF10). */
    static String otherDigits(String ascii, char zero) {
        StringBuilder other = new StringBuilder();
        ascii.chars().forEach(c -> other.append((char) (zero + (c - '0'))));
        return other.toString();
    }

    @Test
    void badTreeSizesAreProblemsNamingTheParameter() {
        AuditRecord record = append("contoso", "fabrikam");
        Checkpoint latest = checkpointCovering("contoso", publishedKey(), record.sequence());
        String proofPath = "/api/v1/audit/records/" + record.sequence() + "/proof";
        // the whole kind of "a number in another form": signs, leading zeros, other scripts' digits (Arabic-Indic,
        // full-width), which Long.parseLong alone would take for the same size
        String size = Long.toString(latest.size());
        for (String bad : new String[] { "abc", "0", "-1", "1.5", "99999999999999999999",
                Long.toString(latest.size() + 1_000_000), "+" + size, "0" + size, " " + size, otherDigits(size, '\u0660'),
                otherDigits(size, '\uFF10') }) {
            problem(Auditors.as("contoso").queryParam("treeSize", bad).get(proofPath).then().statusCode(400)
                    .extract().asString(), "treeSize");
            problem(Auditors.as("contoso").queryParam("from", bad).queryParam("to", size).get("/api/v1/audit/consistency")
                    .then().statusCode(400).extract().asString(), "from");
        }
        for (String bad : new String[] { otherDigits(Long.toString(record.sequence()), '\uFF10'), "0" + record.sequence(),
                "+" + record.sequence() }) {
            problem(Auditors.as("contoso").get("/api/v1/audit/records/{sequence}/proof", bad).then().statusCode(400)
                    .extract().asString(), "sequence");
        }
        // a checkpoint that does not hold the record yet
        if (record.sequence() > 1) {
            long small = smallerCheckpoint(record.sequence() - 1);
            if (small > 0) {
                problem(Auditors.as("contoso").queryParam("treeSize", small).get(proofPath).then().statusCode(400)
                        .extract().asString(), "treeSize");
            }
        }
        problem(Auditors.as("contoso").get("/api/v1/audit/records/x/proof").then().statusCode(400).extract()
                .asString(), "sequence");
        problem(Auditors.as("contoso").queryParam("treesize", latest.size()).get(proofPath).then().statusCode(400)
                .extract().asString(), "treesize");

        String consistency = "/api/v1/audit/consistency";
        problem(Auditors.as("contoso").queryParam("to", latest.size()).get(consistency).then().statusCode(400)
                .extract().asString(), "from");
        problem(Auditors.as("contoso").queryParam("from", latest.size()).get(consistency).then().statusCode(400)
                .extract().asString(), "to");
        problem(Auditors.as("contoso").queryParam("from", "zero").queryParam("to", latest.size()).get(consistency)
                .then().statusCode(400).extract().asString(), "from");
        problem(Auditors.as("contoso").queryParam("from", latest.size()).queryParam("to", latest.size() + 1_000_000)
                .get(consistency).then().statusCode(400).extract().asString(), "to");
        problem(Auditors.as("contoso").queryParam("from", latest.size() + 1_000_000).queryParam("to", latest.size())
                .get(consistency).then().statusCode(400).extract().asString(), "from");
        problem(Auditors.as("contoso").queryParam("from", latest.size()).queryParam("to", latest.size())
                .queryParam("from", latest.size()).get(consistency).then().statusCode(400).extract().asString(),
                "from");
    }

    @Test
    void everySignedCheckpointIsPublishedOnAuditCheckpoints() throws Exception {
        NoteKey key = publishedKey();
        AuditRecord record = append("contoso", "fabrikam");
        Checkpoint checkpoint = checkpointCovering("contoso", key, record.sequence());
        List<ConsumerRecord<String, String>> published = Events.readAll("audit.checkpoints",
                r -> r.value().contains("\"treeSize\":" + checkpoint.size() + ","), WAIT);
        ConsumerRecord<String, String> message = published.stream()
                .filter(r -> r.value().contains("\"treeSize\":" + checkpoint.size() + ",")).findFirst().orElseThrow();
        assertThat(message.key()).isEqualTo(checkpoint.origin());
        assertThat(Events.header(message, "ce_type")).isEqualTo("org.crosstenant.audit.checkpoint-signed.v1");
        JsonNode value = JSON.readTree(message.value());
        SignedNote note = SignedNote.parse(value.get("note").asText());
        assertThat(note.verify(List.of(key))).containsExactly(key);
        assertThat(Checkpoint.parse(note.text())).isEqualTo(checkpoint);
        assertThat(BASE64.decode(value.get("rootHash").asText())).isEqualTo(checkpoint.rootHash());
    }

    /** The largest signed checkpoint size below {@code below}, 0 when none. */
    private static long smallerCheckpoint(long below) {
        try {
            return AuditDatabase.number("select coalesce(max(tree_size), 0) from audit_checkpoint where tree_size < "
                    + below);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void problem(String body, String field) {
        JsonPath problem = JsonPath.from(body);
        assertThat(problem.getInt("status")).isEqualTo(400);
        assertThat(problem.getString("field")).as(body).isEqualTo(field);
    }
}
