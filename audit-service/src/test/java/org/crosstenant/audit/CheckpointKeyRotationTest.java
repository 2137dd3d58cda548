package org.crosstenant.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import org.crosstenant.audit.messaging.AuditEventTranslator;
import org.crosstenant.audit.model.AuditRecord;
import org.crosstenant.audit.service.AuditLog;
import org.crosstenant.platform.tlog.Checkpoint;
import org.crosstenant.platform.tlog.NoteKey;
import org.crosstenant.platform.tlog.NoteSigner;
import org.crosstenant.platform.tlog.SignedNote;
import org.junit.jupiter.api.Test;

/**
 * Step 1 of a checkpoint key rotation (docs/operations.md) on the running service: with
 * {@code additional-signing-keys} every checkpoint carries the current and the next key's signature, so a verifier
 * that pinned only one of them verifies it and one that pinned neither does not; {@code GET …/checkpoint/key} still
 * answers the current key.
 */
@QuarkusTest
@TestProfile(CheckpointKeyRotationTest.CoSigned.class)
class CheckpointKeyRotationTest {

    private static final String ORIGIN = "crosstenant.example/audit";
    static final NoteSigner CURRENT = NoteSigner.fromSeed(ORIGIN, NoteKey.ED25519, seed(41));
    static final NoteSigner NEXT = NoteSigner.fromSeed(ORIGIN, NoteKey.ED25519, seed(42));

    /** The current key signs, the next one co-signs. */
    public static class CoSigned implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("crosstenant.audit.checkpoint.origin", ORIGIN,
                    "crosstenant.audit.checkpoint.signing-key", CURRENT.skey(),
                    "crosstenant.audit.checkpoint.additional-signing-keys", NEXT.skey());
        }
    }

    @Inject
    AuditLog auditLog;

    @Inject
    AuditEventTranslator translator;

    @Test
    void everyCheckpointVerifiesWithTheCurrentOrTheNextKeyAndTheKeyEndpointAnswersTheCurrentOne() {
        AuditRecord record = Events.appendDecided(auditLog, translator, "contoso", "fabrikam");
        String note = await().atMost(Duration.ofSeconds(60)).until(() -> {
            var response = Auditors.as("contoso").get("/api/v1/audit/checkpoint");
            return response.statusCode() == 200 ? response.asString() : null;
        }, n -> n != null && Checkpoint.parse(SignedNote.parse(n).text()).size() >= record.sequence());

        SignedNote signed = SignedNote.parse(note);
        assertThat(signed.signatures()).extracting(SignedNote.NoteSignature::keyId)
                .as("the log's two signatures come first, in key order")
                .startsWith(CURRENT.verifierKey().keyId(), NEXT.verifierKey().keyId());
        assertThat(signed.verify(List.of(CURRENT.verifierKey()))).containsExactly(CURRENT.verifierKey());
        assertThat(signed.verify(List.of(NEXT.verifierKey()))).containsExactly(NEXT.verifierKey());
        NoteKey stranger = NoteSigner.generate(ORIGIN, NoteKey.ED25519).verifierKey();
        assertThatThrownBy(() -> signed.verify(List.of(stranger))).hasMessageContaining("no signature of a trusted key");

        assertThat(given().get("/api/v1/audit/checkpoint/key").then().statusCode(200).extract().asString())
                .isEqualTo(CURRENT.verifierKey().vkey());
    }

    private static byte[] seed(int value) {
        byte[] seed = new byte[32];
        java.util.Arrays.fill(seed, (byte) value);
        return seed;
    }
}
