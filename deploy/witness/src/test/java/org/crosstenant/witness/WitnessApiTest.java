package org.crosstenant.witness;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.crosstenant.platform.tlog.MerkleHash;
import org.crosstenant.platform.tlog.NoteKey;
import org.crosstenant.platform.tlog.SignedNote;
import org.crosstenant.platform.tlog.witness.StateStore;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * The witness's HTTP interface (C2SP tlog-witness) in the running app: a split view counts in
 * {@code crosstenant_witness_refusals_total}; unsigned spam and replays only in
 * {@code crosstenant_witness_rejected_requests_total}.
 */
@QuarkusTest
@TestProfile(WitnessProfile.class)
class WitnessApiTest {

    private static final TestLog LOG = new TestLog();

    private static Response post(String body) {
        return given().body(body.getBytes(StandardCharsets.UTF_8)).contentType("text/plain")
                .post("/add-checkpoint");
    }

    /** @return the value of a Prometheus series (the whole name with labels), 0 when absent */
    private static double metric(String series) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(line -> line.startsWith(series + " ")).findFirst()
                .map(line -> Double.parseDouble(line.substring(series.length() + 1).trim())).orElse(0.0);
    }

    private static String rejected(String reason) {
        return "crosstenant_witness_rejected_requests_total{reason=\"" + reason + "\"}";
    }

    @Test
    void cosignsResyncsAndRefusesASplitViewOverHttp() {
        NoteKey vkey = NoteKey.parse(given().get("/key").then().statusCode(200).extract().asString().trim());
        assertThat(vkey).isEqualTo(TestLog.WITNESS_KEY.verifierKey());

        LOG.grow(5);
        SignedNote first = LOG.checkpoint();
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

        double badSignatures = metric(rejected("bad-signature"));
        double rollbacks = metric(rejected("rollback"));
        // the reviewer's spam: a well-formed checkpoint of the witnessed origin with a signature of no trusted key
        String unsigned = "old 0\n\n" + TestLog.ORIGIN + "\n5\n" + Base64.getEncoder().encodeToString(new byte[32])
                + "\n\n\u2014 x " + Base64.getEncoder().encodeToString(new byte[68]) + "\n";
        for (int i = 0; i < 50; i++) {
            post(unsigned).then().statusCode(403).contentType("application/problem+json")
                    .body("reason", equalTo("bad-signature"));
        }
        // a genuinely signed older checkpoint replayed: the spec's 409 with the latest size, no alarm
        post(TestLog.body(0, List.of(), first)).then().statusCode(409).contentType("text/x.tlog.size")
                .body(equalTo("9\n"));

        byte[] otherRoot = MerkleHash.leaf("another history".getBytes(StandardCharsets.UTF_8));
        post(TestLog.body(9, List.of(), LOG.checkpoint(9, otherRoot))).then().statusCode(422)
                .contentType("application/problem+json").body("reason", equalTo("split-view"))
                .body("alarm", equalTo(true));
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("crosstenant_witness_refusals_total{origin=\"crosstenant.example/audit\","
                + "reason=\"split-view\"} 1.0");
        assertThat(metrics.lines().filter(line -> line.startsWith("crosstenant_witness_refusals_total{")))
                .allMatch(line -> line.contains("reason=\"split-view\""));
        assertThat(metric(rejected("bad-signature")) - badSignatures).isEqualTo(50.0);
        assertThat(metric(rejected("rollback")) - rollbacks).isEqualTo(1.0);
    }

    @Test
    void answersBadInputWithProblems() {
        double malformed = metric(rejected("malformed"));
        post("old 0\n\nnot a checkpoint\n").then().statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400)).body("reason", equalTo("malformed"));
        assertThat(metric(rejected("malformed")) - malformed).isEqualTo(1.0);
        post("old 0\n" + "A".repeat(20_000)).then().statusCode(413).contentType("application/problem+json");
        given().get("/" + "0".repeat(64) + "/checkpoint").then().statusCode(404)
                .contentType("application/problem+json");
    }
}
