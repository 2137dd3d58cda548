package org.crosstenant.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** The API takes no bodies: one over 16 KiB is refused with 413 problem+json naming the limit, before auth. */
@QuarkusTest
class AuditBodyLimitTest {

    @Test
    void aBodyOverTheLimitIs413ProblemJson() {
        given().auth().oauth2(Auditors.token("contoso")).contentType("application/json").body(" ".repeat(16 * 1024 + 1))
                .post("/api/v1/audit/records")
                .then().statusCode(413).contentType("application/problem+json")
                .body("status", equalTo(413)).body("field", equalTo("body")).body("limit", equalTo(16384))
                .body("detail", containsString("16384 bytes"));
    }

    @Test
    void aBodyAtTheLimitIsNotRefusedForItsSize() {
        // no endpoint takes a POST body: the answer is the usual 405, not 413
        given().auth().oauth2(Auditors.token("contoso")).contentType("application/json").body(" ".repeat(16 * 1024))
                .post("/api/v1/audit/records")
                .then().statusCode(405);
    }
}
