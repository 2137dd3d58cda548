package org.crosstenant.audit;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Map;

import io.restassured.specification.RequestSpecification;

import org.crosstenant.stack.infra.testing.FederatedTokens;

/** Tokens as the gateway would send them, and the query API seen by one tenant's auditor. */
final class Auditors {

    private Auditors() {
    }

    static String token(String tenant) {
        return FederatedTokens.token(tenant, tenant + "-auditor", "auditor@" + tenant + ".example", "collab-auditor");
    }

    static RequestSpecification as(String tenant) {
        return given().auth().oauth2(token(tenant));
    }

    /** Records that {@code tenant}'s auditor sees, with extra query parameters, following {@code next} to the end. */
    static List<Map<String, Object>> records(String tenant, Map<String, ?> params) {
        List<Map<String, Object>> all = new java.util.ArrayList<>();
        long after = 0;
        while (true) {
            var page = as(tenant).queryParams(params).queryParam("after", after).queryParam("limit", 1000)
                    .get("/api/v1/audit/records")
                    .then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> records = page.getList("records");
            all.addAll(records);
            long next = page.getLong("next");
            if (records.size() < 1000) {
                return all;
            }
            after = next;
        }
    }
}
