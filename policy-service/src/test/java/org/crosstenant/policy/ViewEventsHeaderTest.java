package org.crosstenant.policy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import org.crosstenant.policy.rest.ViewEvents;
import org.crosstenant.policy.service.PolicyEvents;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The read-your-writes header (issue #8, team design item 3): settings PUT/DELETE and application PUT name the
 * CloudEvents ids (= outbox row ids) of the policy.events rows they wrote, in order; nothing when nothing was written
 * (an identical PUT, a dry run); {@code *} beyond 150.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "policy"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class ViewEventsHeaderTest {

    private static final String SETTINGS = "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": "
            + "{\"access\": \"allowed\", \"targets\": [\"all\"]}}}}";

    @Test
    void settingsWritesNameTheEventsTheyWrote() throws Exception {
        String tenant = TestStack.tenant("contoso");
        String first = TestStack.tenant("fabrikam");
        String second = TestStack.tenant("globex");
        String admin = TestStack.adminOf(tenant);

        List<String> put = ids(putPartner(admin, tenant, first, SETTINGS));
        assertEquals(List.of(tenant + "/partners/" + first), aggregates(put, PolicyEvents.ACCESS_SETTINGS_CHANGED));
        assertNull(putPartner(admin, tenant, first, SETTINGS).header(ViewEvents.HEADER), "identical PUT");
        putPartner(admin, tenant, second, SETTINGS);

        List<String> fanOut = ids(given().header("Authorization", admin).contentType(ContentType.JSON)
                .body("{\"invitations\": {\"approvalRequired\": true}}")
                .when().put(AccessSettingsResourceTest.DEFAULT_PATH, tenant).then().statusCode(200).extract());
        assertEquals(List.of(tenant + "/default", tenant + "/partners/" + first, tenant + "/partners/" + second),
                aggregates(fanOut, PolicyEvents.ACCESS_SETTINGS_CHANGED));

        assertNull(given().header("Authorization", admin).contentType(ContentType.JSON).queryParam("dryRun", "true")
                .body(SETTINGS.replace("allowed", "blocked")).when().put(AccessSettingsResourceTest.PATH, tenant, first)
                .then().statusCode(200).extract().header(ViewEvents.HEADER), "dry run");

        List<String> deleted = ids(given().header("Authorization", admin)
                .when().delete(AccessSettingsResourceTest.PATH, tenant, second).then().statusCode(204).extract());
        assertEquals(List.of(tenant + "/partners/" + second), aggregates(deleted, PolicyEvents.ACCESS_SETTINGS_CHANGED));
    }

    @Test
    void anApplicationPutNamesItsRegistrationEvent() throws Exception {
        String tenant = TestStack.tenant("contoso");
        String admin = TestStack.adminOf(tenant);
        List<String> registered = ids(given().header("Authorization", admin).contentType(ContentType.JSON)
                .body(Map.of("upstreamUrl", "http://127.0.0.1:8090"))
                .when().put("/api/v1/tenants/{tenant}/applications/{app}", tenant, "wiki")
                .then().statusCode(200).extract());
        assertEquals(List.of(tenant + "/applications/wiki"), aggregates(registered, PolicyEvents.APPLICATION_REGISTERED));
        assertNull(given().header("Authorization", admin).contentType(ContentType.JSON)
                .body(Map.of("upstreamUrl", "http://127.0.0.1:8090"))
                .when().put("/api/v1/tenants/{tenant}/applications/{app}", tenant, "wiki")
                .then().statusCode(200).extract().header(ViewEvents.HEADER), "unchanged");
    }

    /** A default change fanning out to 150 partner configurations writes 151 events: {@code *}. */
    @Test
    void moreThan150EventsAreAStar() {
        String tenant = TestStack.tenant("contoso");
        String admin = TestStack.adminOf(tenant);
        for (int i = 0; i < ViewEvents.MAX_IDS; i++) {
            putPartner(admin, tenant, "partner-" + i, SETTINGS);
        }
        assertEquals("*", given().header("Authorization", admin).contentType(ContentType.JSON)
                .body("{\"invitations\": {\"approvalRequired\": true}}")
                .when().put(AccessSettingsResourceTest.DEFAULT_PATH, tenant).then().statusCode(200).extract()
                .header(ViewEvents.HEADER));
    }

    private static ExtractableResponse<Response> putPartner(String admin, String tenant, String partner,
                                                            String body) {
        return given().header("Authorization", admin).contentType(ContentType.JSON).body(body)
                .when().put(AccessSettingsResourceTest.PATH, tenant, partner).then().statusCode(200).extract();
    }

    private static List<String> ids(ExtractableResponse<Response> response) {
        String header = response.header(ViewEvents.HEADER);
        assertEquals(false, header == null || header.isBlank(), "no " + ViewEvents.HEADER);
        return Arrays.asList(header.split(","));
    }

    /** The aggregate of each listed outbox row, in the header's order; each must be a policy.events row of the type. */
    private static List<String> aggregates(List<String> ids, String type) throws Exception {
        List<String> aggregates = new ArrayList<>();
        try (Connection db = LiveInvitations.connect(); PreparedStatement query = db.prepareStatement(
                "select aggregate_id, type, topic from outbox where id = ?::uuid")) {
            for (String id : ids) {
                query.setString(1, id);
                try (ResultSet rows = query.executeQuery()) {
                    assertEquals(true, rows.next(), "no outbox row " + id);
                    assertEquals(type, rows.getString(2));
                    assertEquals(PolicyEvents.POLICY_EVENTS_TOPIC, rows.getString(3));
                    aggregates.add(rows.getString(1));
                }
            }
        }
        return aggregates;
    }
}
