package org.crosstenant.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import org.crosstenant.audit.messaging.AuditEventTranslator;
import org.crosstenant.audit.service.AuditLog;
import org.crosstenant.audit.service.Witnesses;
import org.crosstenant.audit.witness.TestWitness;
import org.crosstenant.platform.tlog.Checkpoint;
import org.crosstenant.platform.tlog.NoteKey;
import org.crosstenant.platform.tlog.NoteSigner;
import org.crosstenant.platform.tlog.SignedNote;
import org.junit.jupiter.api.Test;

/**
 * audit-service as the witnesses' client (docs/audit.md "Witnesses"), against two real witnesses (platform's witness
 * core over HTTP) and one that is down: the checkpoint a tenant fetches carries both witnesses' cosignatures, each
 * verifying with that witness's vkey; a witness that holds another history of the log (a checkpoint of that log's key
 * over a different root: a split view) refuses, and an alert record concerning its tenant and the refusal metric
 * appear while the other witness keeps cosigning; an unreachable witness only counts errors.
 */
@QuarkusTest
@TestProfile(WitnessCosignatureTest.TwoWitnesses.class)
class WitnessCosignatureTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ORIGIN = "crosstenant.example/audit";
    static final NoteSigner LOG_KEY = NoteSigner.generate(ORIGIN, NoteKey.ED25519);
    static final TestWitness CONTOSO = new TestWitness("contoso.example/witness", ORIGIN, LOG_KEY.verifierKey());
    static final TestWitness FABRIKAM = new TestWitness("fabrikam.example/witness", ORIGIN, LOG_KEY.verifierKey());

    /** The log's key is known to the test (to stage a split view); the witnesses run on free ports. */
    public static class TwoWitnesses implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(
                    Map.entry("crosstenant.audit.checkpoint.signing-key", LOG_KEY.skey()),
                    Map.entry("crosstenant.audit.checkpoint.interval", "200ms"),
                    Map.entry("crosstenant.audit.witnesses.contoso.url", CONTOSO.url()),
                    Map.entry("crosstenant.audit.witnesses.contoso.vkey", CONTOSO.verifierKey().vkey()),
                    Map.entry("crosstenant.audit.witnesses.contoso.tenant", "contoso"),
                    Map.entry("crosstenant.audit.witnesses.fabrikam.url", FABRIKAM.url()),
                    Map.entry("crosstenant.audit.witnesses.fabrikam.vkey", FABRIKAM.verifierKey().vkey()),
                    Map.entry("crosstenant.audit.witnesses.fabrikam.tenant", "fabrikam"),
                    // nothing listens on port 9 of the loopback (discard): connection refused
                    Map.entry("crosstenant.audit.witnesses.down.url", "http://127.0.0.1:9"),
                    Map.entry("crosstenant.audit.witnesses.down.vkey",
                            NoteSigner.generate("down.example/witness", NoteKey.COSIGNATURE).verifierKey().vkey()),
                    Map.entry("crosstenant.audit.witnesses.down.tenant", "contoso"),
                    Map.entry("crosstenant.audit.witnesses.down.timeout", "1s"));
        }
    }

    @Inject
    AuditLog auditLog;

    @Inject
    AuditEventTranslator translator;

    private void append() {
        auditLog.append(List.of(Events.decidedInput(translator, "contoso", "fabrikam"))).await().atMost(WAIT);
    }

    /** The latest checkpoint as a tenant fetches it, once both witnesses cosigned it (signatures verified). */
    private static SignedNote cosignedByBoth(String tenant) {
        NoteKey contoso = CONTOSO.verifierKey();
        NoteKey fabrikam = FABRIKAM.verifierKey();
        return await().atMost(WAIT).until(() -> {
            var response = Auditors.as(tenant).get("/api/v1/audit/checkpoint");
            return response.statusCode() == 200 ? SignedNote.parse(response.asString()) : null;
        }, note -> note != null && note.signatures().size() == 3
                && note.verify(List.of(LOG_KEY.verifierKey(), contoso, fabrikam)).size() == 3);
    }

    private static double metric(String line) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith(line + " ")).mapToDouble(l -> Double.parseDouble(
                l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void bothWitnessesCosignAndASplitViewIsRefusedWithAnAlert() throws Exception {
        append();
        SignedNote first = cosignedByBoth("fabrikam");
        assertThat(first.signatures().get(0).keyName()).isEqualTo(ORIGIN); // the log's signature first
        long size = Checkpoint.parse(first.text()).size();

        // the contoso witness now holds another history of this size: a checkpoint of the log's key over another root
        byte[] otherRoot = new byte[32];
        new SecureRandom().nextBytes(otherRoot);
        SignedNote forged = SignedNote.sign(new Checkpoint(ORIGIN, size, otherRoot).text(), LOG_KEY);
        int refusedBefore = CONTOSO.refusals.get();
        CONTOSO.holdOtherHistory(forged);

        append();
        await().atMost(WAIT).until(() -> Auditors.records("contoso", Map.of("action", Witnesses.REFUSED_ACTION))
                .stream().anyMatch(r -> ((Map<?, ?>) r.get("details")).get("witness").equals("contoso")));
        // the witness refused (422) but raised no alarm of its own: the failing proof came from the submitter, which
        // proves nothing at the witness; the alert that counts is the log's own record and metric
        assertThat(CONTOSO.refusals.get()).isEqualTo(refusedBefore);
        assertThat(metric("crosstenant_audit_witness_refusals_total{witness=\"contoso\"}")).isGreaterThanOrEqualTo(1);
        assertThat(metric("crosstenant_audit_witness_refusals_total{witness=\"fabrikam\"}")).isZero();
        // the record concerns the witness's tenant only
        assertThat(Auditors.records("fabrikam", Map.of("action", Witnesses.REFUSED_ACTION))).isEmpty();

        // fabrikam's witness keeps cosigning the log's true history; contoso's cosignature is missing from now on
        long after = Checkpoint.parse(first.text()).size();
        SignedNote latest = await().atMost(WAIT).until(() -> SignedNote.parse(Auditors.as("fabrikam")
                .get("/api/v1/audit/checkpoint").asString()), note -> Checkpoint.parse(note.text()).size() > after
                && note.signatures().size() == 2);
        assertThat(latest.verify(List.of(LOG_KEY.verifierKey(), FABRIKAM.verifierKey()))).hasSize(2);
        assertThat(latest.signatures()).noneMatch(s -> s.keyName().equals(CONTOSO.verifierKey().name()));

        // stored cosignatures are append-only, as every audit table
        try (java.sql.Connection db = AuditDatabase.connect(); java.sql.Statement sql = db.createStatement()) {
            assertThat(AuditDatabase.number("select count(*) from witness_cosignature where witness = 'contoso'"))
                    .isPositive();
            for (String change : List.of("update witness_cosignature set line = 'x'",
                    "delete from witness_cosignature", "truncate witness_cosignature")) {
                assertThatThrownBy(() -> sql.execute(change)).as(change).isInstanceOf(java.sql.SQLException.class)
                        .hasMessageContaining("witness_cosignature is append-only");
            }
        }

        // the witness that is down: errors, never an alert
        await().atMost(WAIT).until(() -> metric("crosstenant_audit_witness_errors_total{kind=\"unavailable\","
                + "witness=\"down\"}") >= 1);
        assertThat(metric("crosstenant_audit_witness_refusals_total{witness=\"down\"}")).isZero();
    }
}
