package org.crosstenant.witness;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.crosstenant.platform.tlog.MerkleHash;
import org.crosstenant.platform.tlog.NoteKey;
import org.crosstenant.platform.tlog.SignedNote;
import org.crosstenant.platform.tlog.witness.StateStore;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/** The witness's HTTP interface (C2SP tlog-witness) in the running app. */
@QuarkusTest
@TestProfile(WitnessProfile.class)
class WitnessApiTest {

    private static final TestLog LOG = new TestLog();

    private static Response post(String body) {
        return given().body(body.getBytes(StandardCharsets.UTF_8)).contentType("text/plain")
                .post("/add-checkpoint");
    }

    @Test
    void cosignsResyncsAndRefusesASplitViewOverHttp() {
        NoteKey vkey = NoteKey.parse(given().get("/key").then().statusCode(200).extract().asString().trim());
        assertThat(vkey).isEqualTo(TestLog.WITNESS_KEY.verifierKey());

        LOG.grow(5);
        String lines = post(LOG.body(0)).then().statusCode(200).body(startsWith("\u2014 contoso.example/witness "))
                .extract().asString();
        assertThat(SignedNote.parse(LOG.checkpoint().format() + lines).verify(List.of(vkey))).containsExactly(vkey);

        LOG.grow(4);
        post(LOG.body(2)).then().statusCode(409).contentType("text/x.tlog.size").body(equalTo("5\n"));
        String next = post(LOG.body(5)).then().statusCode(200).extract().asString();
        assertThat(SignedNote.parse(LOG.checkpoint().format() + next).verify(List.of(vkey))).containsExactly(vkey);

        SignedNote kept = SignedNote.parse(given().get("/" + StateStore.originHash(TestLog.ORIGIN) + "/checkpoint")
                .then().statusCode(200).extract().asString());
        assertThat(kept.text()).isEqualTo(LOG.checkpoint().text());
        assertThat(kept.verify(List.of(vkey, TestLog.LOG_KEY.verifierKey()))).hasSize(2);

        byte[] otherRoot = MerkleHash.leaf("another history".getBytes(StandardCharsets.UTF_8));
        post(TestLog.body(9, List.of(), LOG.checkpoint(9, otherRoot))).then().statusCode(422)
                .contentType("application/problem+json").body("reason", equalTo("split-view"));
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("crosstenant_witness_refusals_total{origin=\"crosstenant.example/audit\","
                + "reason=\"split-view\"} 1.0");
    }

    @Test
    void answersBadInputWithProblems() {
        post("old 0\n\nnot a checkpoint\n").then().statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400));
        post("old 0\n" + "A".repeat(20_000)).then().statusCode(413).contentType("application/problem+json");
        given().get("/" + "0".repeat(64) + "/checkpoint").then().statusCode(404)
                .contentType("application/problem+json");
    }
}
