package org.crosstenant.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Instant;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;

import org.crosstenant.stack.infra.testing.FederatedTokens;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AuditApiSecurityTest {

    private static final String PROBLEM = "application/problem+json";

    @ParameterizedTest
    @ValueSource(strings = { "/api/v1/audit/records", "/api/v1/audit/stream", "/api/v1/audit/verify" })
    void withoutATokenIs401Problem(String path) {
        given().get(path).then().statusCode(401).contentType(PROBLEM)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("status", equalTo(401)).body("title", equalTo("Unauthorized")).body("instance", equalTo(path));
    }

    @Test
    void aForgedOrExpiredTokenIs401Problem() {
        String valid = Auditors.token("contoso");
        String forged = valid.substring(0, valid.lastIndexOf('.') + 1) + "AAAA" + valid.substring(valid.lastIndexOf('.') + 5);
        given().auth().oauth2(forged).get("/api/v1/audit/records").then().statusCode(401).contentType(PROBLEM);

        Map<String, Object> claims = new java.util.HashMap<>(
                FederatedTokens.claims("contoso", "carol", "carol@contoso.example", "collab-auditor"));
        claims.put("iat", Instant.now().minusSeconds(600).getEpochSecond());
        claims.put("exp", Instant.now().minusSeconds(540).getEpochSecond());
        given().auth().oauth2(FederatedTokens.sign(claims)).get("/api/v1/audit/records")
                .then().statusCode(401).contentType(PROBLEM);

        Map<String, Object> wrongAudience = new java.util.HashMap<>(
                FederatedTokens.claims("contoso", "carol", "carol@contoso.example", "collab-auditor"));
        wrongAudience.put("aud", "contoso/contoso-projects");
        given().auth().oauth2(FederatedTokens.sign(wrongAudience)).get("/api/v1/audit/records")
                .then().statusCode(401).contentType(PROBLEM);
    }

    @ParameterizedTest
    @ValueSource(strings = { "/api/v1/audit/records", "/api/v1/audit/stream", "/api/v1/audit/verify" })
    void withoutTheAuditorGroupIs403Problem(String path) {
        String admin = FederatedTokens.token("contoso", "alice", "alice@contoso.example", "collab-admin");
        given().auth().oauth2(admin).get(path).then().statusCode(403).contentType(PROBLEM)
                .body("status", equalTo(403)).body("detail", notNullValue());
    }

    @ParameterizedTest
    @ValueSource(strings = { "after=-1", "after=abc", "limit=0", "limit=1001", "limit=ten", "action=a%20b",
            "invitationId=%3Bdrop" })
    void badParametersAre400Problem(String query) {
        Auditors.as("contoso").get("/api/v1/audit/records?" + query).then().statusCode(400).contentType(PROBLEM)
                .body("status", equalTo(400)).body("title", equalTo("Bad Request"))
                .body("instance", equalTo("/api/v1/audit/records"));
    }

    /** A parameter given twice is ambiguous (first or last?): refused, whichever parameter and whatever values. */
    @ParameterizedTest
    @ValueSource(strings = { "limit=1&limit=2", "after=0&after=0", "action=policy.decided&action=x",
            "type=a&limit=5&type=b", "invitationId=x&invitationId=x", "tenant=contoso&tenant=contoso" })
    void aRepeatedParameterIs400Problem(String query) {
        Auditors.as("contoso").get("/api/v1/audit/records?" + query).then().statusCode(400).contentType(PROBLEM)
                .body("detail", containsString("is given more than once"));
    }

    /**
     * A parameter the endpoint does not read is refused, not ignored: also one differing from a read one only in
     * letter case, which the HTTP server would otherwise fold into it ({@code ?Tenant=fabrikam} read as tenant).
     */
    @ParameterizedTest
    @ValueSource(strings = { "Tenant=fabrikam", "LIMIT=1", "limit=1&Limit=2", "unknown=1", "%zz=1", "after=0;after=5",
            "limit=1;Tenant=fabrikam", "=;tenant=contoso" })
    void anUnknownParameterIs400Problem(String query) {
        Auditors.as("contoso").get("/api/v1/audit/records?" + query).then().statusCode(400).contentType(PROBLEM);
        Auditors.as("contoso").get("/api/v1/audit/stream?" + query).then().statusCode(400).contentType(PROBLEM);
    }

    @Test
    void aBadStreamReplayPointIs400Problem() {
        Auditors.as("contoso").get("/api/v1/audit/stream?after=1&after=2").then().statusCode(400).contentType(PROBLEM)
                .body("detail", containsString("is given more than once"));
        Auditors.as("contoso").header("Last-Event-ID", "yesterday").get("/api/v1/audit/stream")
                .then().statusCode(400).contentType(PROBLEM);
        Auditors.as("contoso").get("/api/v1/audit/stream?after=-5").then().statusCode(400).contentType(PROBLEM);
        // two positions at once: which one the client is at cannot be told
        Auditors.as("contoso").header("Last-Event-ID", "1").header("Last-Event-ID", "2").get("/api/v1/audit/stream")
                .then().statusCode(400).contentType(PROBLEM).body("detail", containsString("more than once"))
                .body("field", equalTo("Last-Event-ID"));
        // a position this log never gave (past its last record): refused, not a silent stream that would skip
        Auditors.as("contoso").header("Last-Event-ID", "999999999999999").get("/api/v1/audit/stream")
                .then().statusCode(400).contentType(PROBLEM).body("detail", containsString("after the log's last"))
                .body("field", equalTo("Last-Event-ID"));
        Auditors.as("contoso").get("/api/v1/audit/stream?after=999999999999999")
                .then().statusCode(400).contentType(PROBLEM).body("field", equalTo("after"));
    }

    @Test
    void anUnknownPathIs404Problem() {
        Auditors.as("contoso").get("/api/v1/audit/nothing-here").then().statusCode(404).contentType(PROBLEM);
    }

    @Test
    void theLargestAllowedPageIsAccepted() {
        Auditors.as("contoso").get("/api/v1/audit/records?limit=1000&after=0").then().statusCode(200)
                .body("next", notNullValue());
    }
}
