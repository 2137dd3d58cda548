package org.crosstenant.policy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.crosstenant.policy.model.AccessSettings;
import org.crosstenant.policy.service.PolicyEvents;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The access-settings API of docs/api.md: default, partner, effective with sources, history, ETag/If-Match. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "policy"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class AccessSettingsResourceTest {

    static final String PATH = "/api/v1/tenants/{tenant}/access-settings/partners/{partner}";
    static final String DEFAULT_PATH = "/api/v1/tenants/{tenant}/access-settings/default";
    static final String DOCS_EXAMPLE = """
            {
              "inbound":  { "collaboration": { "usersAndGroups": {"access": "allowed", "targets": ["all"]},
                                               "applications": {"access": "allowed", "targets": ["contoso-projects"]} } },
              "outbound": { "collaboration": { "usersAndGroups": {"access": "allowed",
                                                                  "targets": [{"user": "Bob@Fabrikam.example"}]},
                                               "applications": {"access": "allowed", "targets": ["all"]} } }
            }""";
    static final String DEFAULT_EXAMPLE = """
            {
              "inbound": { "collaboration": { "usersAndGroups": {"access": "allowed", "targets": ["all"]} },
                           "trust": { "mfaAccepted": true } },
              "invitations": { "domains": {"access": "blocked", "targets": ["Globex.example"]},
                               "approvalRequired": true }
            }""";

    @Test
    void adminSetsReadsAndVersionsAPartnerConfiguration() {
        String tenant = TestStack.tenant("contoso");
        String partner = TestStack.tenant("fabrikam");
        String admin = TestStack.adminOf(tenant);

        given().header("Authorization", admin).when().get(PATH, tenant, partner)
                .then().statusCode(404).contentType("application/problem+json")
                .body("detail", equalTo(tenant + " has no partner configuration for " + partner));

        given().header("Authorization", admin).contentType(ContentType.JSON).body(DOCS_EXAMPLE)
                .when().put(PATH, tenant, partner)
                .then().statusCode(200).header("ETag", "\"1\"")
                .body("tenant", equalTo(tenant))
                .body("partner", equalTo(partner))
                .body("version", equalTo(1))
                .body("settings.inbound.collaboration.usersAndGroups.targets", contains("all"))
                .body("settings.outbound.collaboration.usersAndGroups.targets[0].user", equalTo("bob@fabrikam.example"));

        given().header("Authorization", admin).contentType(ContentType.JSON).body(DOCS_EXAMPLE)
                .when().put(PATH, tenant, partner)
                .then().statusCode(200).body("version", equalTo(1));

        // the v1 alias: users with email targets is read as usersAndGroups with {"user"} targets
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body("{\"inbound\": {\"collaboration\": {\"users\": {\"access\": \"blocked\", \"targets\": [\"Carol@fabrikam.example\"]}}}}")
                .when().put(PATH, tenant, partner)
                .then().statusCode(200).body("version", equalTo(2));

        given().header("Authorization", admin).when().get(PATH, tenant, partner)
                .then().statusCode(200).header("ETag", "\"2\"")
                .body("version", equalTo(2))
                .body("settings.inbound.collaboration.usersAndGroups.access", equalTo("blocked"))
                .body("settings.inbound.collaboration.usersAndGroups.targets[0].user", equalTo("carol@fabrikam.example"))
                .body("settings.outbound", nullValue());
    }

    @Test
    void aNeverSetDefaultIsTheBuiltInOneAtVersionZeroAndIfMatchGuardsEveryWrite() {
        String tenant = TestStack.tenant("contoso");
        String admin = TestStack.adminOf(tenant);
        given().header("Authorization", admin).when().get(DEFAULT_PATH, tenant)
                .then().statusCode(200).header("ETag", "\"0\"")
                .body("version", equalTo(0))
                .body("partner", nullValue())
                .body("settings.inbound.collaboration.usersAndGroups.access", equalTo("blocked"))
                .body("settings.outbound.directConnect.applications.targets", contains("all"))
                .body("settings.inbound.trust.mfaAccepted", equalTo(false))
                .body("settings.invitations.whoMayInvite", equalTo("adminsAndPartnerSystems"))
                .body("settings.invitations.approvalRequired", equalTo(false));

        putDefault(tenant, "\"0\"", DEFAULT_EXAMPLE).statusCode(200).header("ETag", "\"1\"")
                .body("version", equalTo(1))
                .body("settings.invitations.domains.targets", contains("globex.example"));
        // stale: someone else wrote version 1 since this caller read version 0
        putDefault(tenant, "\"0\"", "{\"invitations\": {\"approvalRequired\": false}}")
                .statusCode(412).contentType("application/problem+json")
                .body("type", equalTo("urn:crosstenant:problem:precondition-failed"))
                .body("detail", containsString("\"1\""));
        for (String notMatching : List.of("W/\"1\"", "\"01\"", "\"2\", \"3\"")) {
            putDefault(tenant, notMatching, "{}").statusCode(412);
        }
        putDefault(tenant, "\"7\", \"1\"", "{\"invitations\": {\"approvalRequired\": false}}")
                .statusCode(200).body("version", equalTo(2));
        // no If-Match: last write wins
        putDefault(tenant, null, DEFAULT_EXAMPLE).statusCode(200).body("version", equalTo(3));
        given().header("Authorization", admin).when().get(DEFAULT_PATH, tenant)
                .then().statusCode(200).header("ETag", "\"3\"").body("settings.invitations.approvalRequired", equalTo(true));
    }

    @Test
    void effectiveShowsWhereEachLeafComesFrom() {
        String tenant = TestStack.tenant("contoso");
        String partner = TestStack.tenant("fabrikam");
        String admin = TestStack.adminOf(tenant);
        putDefault(tenant, null, DEFAULT_EXAMPLE).statusCode(200);
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body("{\"inbound\": {\"collaboration\": {\"applications\": {\"access\": \"allowed\", \"targets\": [\"wiki\"]}}}}")
                .when().put(PATH, tenant, partner).then().statusCode(200);

        given().header("Authorization", admin).when().get(PATH + "/effective", tenant, partner)
                .then().statusCode(200).header("ETag", "\"1.1\"")
                .body("tenant", equalTo(tenant)).body("partner", equalTo(partner))
                .body("defaultVersion", equalTo(1)).body("partnerVersion", equalTo(1))
                .body("settings.inbound.collaboration.applications.targets", contains("wiki"))
                .body("settings.inbound.collaboration.usersAndGroups.targets", contains("all"))
                .body("settings.inbound.directConnect.usersAndGroups.access", equalTo("blocked"))
                .body("settings.invitations.approvalRequired", equalTo(true))
                .body("sources.'/inbound/collaboration/applications'", equalTo("partner"))
                .body("sources.'/inbound/collaboration/usersAndGroups'", equalTo("default"))
                .body("sources.'/inbound/trust/mfaAccepted'", equalTo("default"))
                .body("sources.'/inbound/trust/compliantDeviceAccepted'", equalTo("built-in"))
                .body("sources.'/invitations/domains'", equalTo("default"))
                .body("sources.'/invitations/whoMayInvite'", equalTo("built-in"))
                .body("sources.size()", equalTo(AccessSettings.LEAVES.size()));

        // a partner without a configuration: the default over built-in
        given().header("Authorization", admin).when().get(PATH + "/effective", tenant, "nobody")
                .then().statusCode(200).body("partnerVersion", equalTo(0))
                .body("sources.'/inbound/collaboration/applications'", equalTo("built-in"))
                .body("settings.invitations.domains.access", equalTo("blocked"));
    }

    @Test
    void historyListsWhoChangedWhatAndDeleteFallsBackToTheDefault() {
        String tenant = TestStack.tenant("contoso");
        String partner = TestStack.tenant("fabrikam");
        String admin = TestStack.adminOf(tenant);
        given().header("Authorization", admin).contentType(ContentType.JSON).body(DOCS_EXAMPLE)
                .when().put(PATH, tenant, partner).then().statusCode(200);
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body(DOCS_EXAMPLE.replace("\"contoso-projects\"", "\"wiki\""))
                .when().put(PATH, tenant, partner).then().statusCode(200).body("version", equalTo(2));
        given().header("Authorization", admin).header("If-Match", "\"1\"").when().delete(PATH, tenant, partner)
                .then().statusCode(412).contentType("application/problem+json");
        given().header("Authorization", admin).header("If-Match", "\"2\"").when().delete(PATH, tenant, partner)
                .then().statusCode(204);
        given().header("Authorization", admin).when().get(PATH, tenant, partner).then().statusCode(404);
        given().header("Authorization", admin).when().delete(PATH, tenant, partner).then().statusCode(404);

        given().header("Authorization", admin).when().get(PATH + "/history", tenant, partner)
                .then().statusCode(200)
                .body("entries.version", contains(1, 2, 3))
                .body("entries[0].changedBy.tenant", equalTo(tenant))
                .body("entries[0].changes.path", contains("/inbound/collaboration/usersAndGroups",
                        "/inbound/collaboration/applications", "/outbound/collaboration/usersAndGroups",
                        "/outbound/collaboration/applications"))
                .body("entries[0].changes[0].from", nullValue())
                .body("entries[0].changes[0].to.access", equalTo("allowed"))
                .body("entries[1].changes.path", contains("/inbound/collaboration/applications"))
                .body("entries[1].changes[0].from.targets", contains("contoso-projects"))
                .body("entries[1].changes[0].to.targets", contains("wiki"))
                .body("entries[2].deleted", equalTo(true))
                .body("entries[2].changes.size()", equalTo(4))
                .body("next", nullValue());
        given().header("Authorization", admin).queryParam("limit", 1).queryParam("after", 1)
                .when().get(PATH + "/history", tenant, partner)
                .then().statusCode(200).body("entries.version", contains(2)).body("next", equalTo(2))
                .body("entries[0].changes.path", contains("/inbound/collaboration/applications"));
        for (String[] bad : new String[][] {{"limit", "0"}, {"limit", "201"}, {"after", "-1"}, {"after", "x"}}) {
            given().header("Authorization", admin).queryParam(bad[0], bad[1])
                    .when().get(PATH + "/history", tenant, partner)
                    .then().statusCode(400).contentType("application/problem+json");
        }
        // re-created after the delete: versions keep counting
        given().header("Authorization", admin).contentType(ContentType.JSON).body(DOCS_EXAMPLE)
                .when().put(PATH, tenant, partner).then().statusCode(200).body("version", equalTo(4));
        given().header("Authorization", admin).when().get(DEFAULT_PATH + "/history", tenant)
                .then().statusCode(200).body("entries.size()", equalTo(0));
    }

    @Test
    void aChangedDefaultRepublishesTheEffectiveSettingsOfEveryPartnerConfiguration() {
        String tenant = TestStack.tenant("contoso");
        String admin = TestStack.adminOf(tenant);
        given().header("Authorization", admin).contentType(ContentType.JSON).body(DOCS_EXAMPLE)
                .when().put(PATH, tenant, "fabrikam").then().statusCode(200);
        given().header("Authorization", admin).contentType(ContentType.JSON).body("{}")
                .when().put(PATH, tenant, "globex").then().statusCode(200);
        putDefault(tenant, null, DEFAULT_EXAMPLE).statusCode(200);

        ConsumerRecord<String, String> ofDefault = awaitV2(tenant + "/default", 1);
        JsonObject payload = new JsonObject(ofDefault.value());
        assertNull(payload.getString("partner"));
        assertEquals(1L, payload.getLong("defaultVersion"));
        assertEquals(true, payload.getJsonObject("effective").getJsonObject("inbound").getJsonObject("trust")
                .getBoolean("mfaAccepted"));
        for (String partner : List.of("fabrikam", "globex")) {
            JsonObject fanOut = new JsonObject(awaitV2(tenant + "/partners/" + partner, 1).value());
            assertEquals(1L, fanOut.getLong("version"), "the partner's own version is unchanged");
            assertEquals(partner, fanOut.getString("partner"));
            JsonObject effective = fanOut.getJsonObject("effective");
            assertEquals("allowed", effective.getJsonObject("inbound").getJsonObject("collaboration")
                    .getJsonObject("usersAndGroups").getString("access"));
            assertEquals(true, effective.getJsonObject("invitations").getBoolean("approvalRequired"));
        }
        given().header("Authorization", admin).when().delete(PATH, tenant, "globex").then().statusCode(204);
        ConsumerRecord<String, String> deleted = KafkaSupport.awaitRecord(PolicyEvents.POLICY_EVENTS_TOPIC,
                r -> (tenant + "/partners/globex").equals(r.key()) && r.value().contains("\"deleted\":true"));
        JsonObject tombstone = new JsonObject(deleted.value());
        assertNull(tombstone.getValue("settings"));
        assertNull(tombstone.getValue("effective"));
        assertEquals(2L, tombstone.getLong("version"));
    }

    private static ConsumerRecord<String, String> awaitV2(String key, long defaultVersion) {
        return KafkaSupport.awaitRecord(PolicyEvents.POLICY_EVENTS_TOPIC, r -> key.equals(r.key())
                && PolicyEvents.ACCESS_SETTINGS_CHANGED.equals(KafkaSupport.header(r, "ce_type"))
                && new JsonObject(r.value()).getLong("defaultVersion") == defaultVersion);
    }

    /**
     * Every kind of target and every free-text-like member, with each kind of character PostgreSQL or a reader
     * cannot keep (NUL, other C0 controls, DEL, lone surrogates of both halves): 422 naming the member by JSON
     * pointer, nothing stored.
     */
    @Test
    void controlCharactersAndLoneSurrogatesAnywhereAre422NamingTheField() {
        String tenant = TestStack.tenant("contoso");
        String admin = TestStack.adminOf(tenant);
        String[][] places = {
                {"{\"inbound\":{\"collaboration\":{\"usersAndGroups\":{\"access\":\"allowed\",\"targets\":[{\"user\":\"a%s@b.example\"}]}}}}",
                        "/inbound/collaboration/usersAndGroups/targets/0/user"},
                {"{\"inbound\":{\"directConnect\":{\"usersAndGroups\":{\"access\":\"allowed\",\"targets\":[{\"subject\":\"s%s\"}]}}}}",
                        "/inbound/directConnect/usersAndGroups/targets/0/subject"},
                {"{\"outbound\":{\"collaboration\":{\"usersAndGroups\":{\"access\":\"blocked\",\"targets\":[{\"group\":\"eng%s\"}]}}}}",
                        "/outbound/collaboration/usersAndGroups/targets/0/group"},
                {"{\"outbound\":{\"directConnect\":{\"applications\":{\"access\":\"allowed\",\"targets\":[\"app%s\"]}}}}",
                        "/outbound/directConnect/applications/targets/0"},
                {"{\"invitations\":{\"domains\":{\"access\":\"allowed\",\"targets\":[\"fab%s.example\"]}}}",
                        "/invitations/domains/targets/0"},
                {"{\"invitations\":{\"whoMayInvite\":\"none%s\"}}", "/invitations/whoMayInvite"},
                {"{\"inbound\":{\"trust\":{\"mfa%sAccepted\":true}}}", null},
        };
        for (String bad : List.of("\\u0000", "\\u0001", "\\u001f", "\\u007f", "\\ud800", "\\udfff")) {
            for (String[] place : places) {
                String body = String.format(place[0], bad);
                ValidatableResponse response = given().header("Authorization", admin).contentType(ContentType.JSON)
                        .body(body).when().put(PATH, tenant, "fabrikam")
                        .then().contentType("application/problem+json");
                int status = response.extract().statusCode();
                String detail = response.extract().path("detail");
                assertTrue(detail.chars().noneMatch(c -> c < 0x20 || Character.isSurrogate((char) c)), detail);
                if (place[1] == null) {
                    // in a member name: unknown member (422), or for a lone surrogate unreadable JSON (400)
                    assertTrue(status == 422 || status == 400 && refusedByReader(bad), body + " -> " + status);
                    continue;
                }
                // NUL and lone surrogates are refused by the strict JSON reader (platform) before validation: 400;
                // an email or domain that is not in the one canonical form is 400 too (issue #7), any other value 422
                boolean canonicalForm = place[1].endsWith("/user") || place[1].startsWith("/invitations/domains");
                assertEquals(refusedByReader(bad) || canonicalForm ? 400 : 422, status, body);
                if (canonicalForm && !refusedByReader(bad)) {
                    assertEquals("urn:crosstenant:problem:not-canonical", response.extract().path("type"), body);
                }
                assertEquals(place[1], response.extract().path("field"), body);
            }
        }
        // the dotless i (U+0131) and other look-alikes: emails and domains are ASCII only, never folded,
        // and a value not in canonical form is ambiguous: 400 naming the field
        for (String lookAlike : List.of("\\u0131", "\\u212a", "\\uff20", "\\u00e9", "\\u001c", "\\u2003")) {
            for (String[] place : new String[][] {places[0], places[4]}) {
                given().header("Authorization", admin).contentType(ContentType.JSON)
                        .body(String.format(place[0], lookAlike)).when().put(PATH, tenant, "fabrikam")
                        .then().statusCode(400).contentType("application/problem+json")
                        .body("type", equalTo("urn:crosstenant:problem:not-canonical")).body("field", equalTo(place[1]));
            }
        }
        // subjects and groups are compared exactly, so an invisible format character or separator would make a
        // target that looks like "eng" and never matches it (or matches a look-alike): refused, 422 naming the field
        for (String invisible : List.of("\\u202e", "\\u200b", "\\u2066", "\\ufeff", "\\u2028", "\\u00ad")) {
            for (String[] place : new String[][] {places[1], places[2]}) {
                given().header("Authorization", admin).contentType(ContentType.JSON)
                        .body(String.format(place[0], invisible)).when().put(PATH, tenant, "fabrikam")
                        .then().statusCode(422).contentType("application/problem+json")
                        .body("field", equalTo(place[1]));
            }
        }
        given().header("Authorization", admin).when().get(PATH, tenant, "fabrikam").then().statusCode(404);
    }

    /** The v1 alias {@code users} lists emails (and "all"); a v2 target object under the v1 name is refused. */
    @Test
    void theV1UsersAliasTakesEmailsOnly() {
        String tenant = TestStack.tenant("contoso");
        String admin = TestStack.adminOf(tenant);
        for (String target : List.of("{\"group\": \"eng\"}", "{\"subject\": \"s-1\"}", "{\"user\": \"bob@fabrikam.example\"}",
                "5", "[\"bob@fabrikam.example\"]")) {
            given().header("Authorization", admin).contentType(ContentType.JSON)
                    .body("{\"inbound\": {\"collaboration\": {\"users\": {\"access\": \"allowed\", \"targets\": [\"carol@fabrikam.example\", "
                            + target + "]}}}}")
                    .when().put(PATH, tenant, "fabrikam")
                    .then().statusCode(422).contentType("application/problem+json")
                    .body("field", equalTo("/inbound/collaboration/users/targets/1"));
        }
        given().header("Authorization", admin).when().get(PATH, tenant, "fabrikam").then().statusCode(404);
    }

    /**
     * If-Match follows its grammar (RFC 9110 section 13.1.1): a blank or malformed header is a 400, never taken for
     * "no precondition" (last write wins) nor for a mere mismatch; a well-formed tag that does not match is 412 and
     * the detail shows the header once quoted, as sent.
     */
    @Test
    void aMalformedIfMatchIs400AndAWellFormedStaleOneIs412() {
        String tenant = TestStack.tenant("contoso");
        putDefault(tenant, null, "{}").statusCode(200).body("version", equalTo(1));
        for (String malformed : List.of("", "   ", "*, \"1\"", "1", "garbage", ",", "\"1", "W/1", "\"a\"b\"")) {
            putDefault(tenant, malformed, "{\"invitations\": {\"approvalRequired\": true}}")
                    .statusCode(400).contentType("application/problem+json")
                    .body("detail", containsString("If-Match must be * or a comma-separated list of entity tags"));
            given().header("Authorization", TestStack.adminOf(tenant)).header("If-Match", malformed)
                    .when().delete(PATH, tenant, "fabrikam").then().statusCode(400);
        }
        putDefault(tenant, "\"0\"", "{}").statusCode(412)
                .body("detail", equalTo("If-Match \"0\" does not match the current version \"1\""));
        putDefault(tenant, "W/\"1\"", "{}").statusCode(412); // weak tags never match (strong comparison)
        putDefault(tenant, " \"0\" , \"1\", ", "{\"invitations\": {\"approvalRequired\": true}}").statusCode(200)
                .body("version", equalTo(2));
        putDefault(tenant, "*", "{}").statusCode(200).body("version", equalTo(3));
    }

    @Test
    void aRepeatedHistoryQueryParameterIs400() {
        String tenant = TestStack.tenant("contoso");
        for (String query : List.of("?limit=1&limit=200", "?after=0&after=5", "?limit=2&after=0&limit=2")) {
            given().header("Authorization", TestStack.adminOf(tenant)).when().get(DEFAULT_PATH + "/history" + query, tenant)
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("detail", containsString("is given more than once"));
        }
        given().header("Authorization", TestStack.adminOf(tenant)).when().get(DEFAULT_PATH + "/history?limit=2", tenant)
                .then().statusCode(200);
    }

    @Test
    void strictValidationNamesEveryFieldByJsonPointer() {
        String tenant = TestStack.tenant("contoso");
        String admin = TestStack.adminOf(tenant);
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body("{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"sometimes\", \"targets\": [\"all\"]}}}}")
                .when().put(PATH, tenant, "fabrikam")
                .then().statusCode(422).contentType("application/problem+json")
                .body("field", equalTo("/inbound/collaboration/usersAndGroups/access"))
                .body("errors", hasItem(containsString("must be \"allowed\" or \"blocked\"")));
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body("{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"allowed\", \"targets\": "
                        + "[{\"user\": \"a@b.example\"}, {\"group\": \"g\"}, {\"subject\": \"s\"}, {\"role\": \"x\"}]}}}}")
                .when().put(PATH, tenant, "fabrikam")
                .then().statusCode(422).body("field", equalTo("/inbound/collaboration/usersAndGroups/targets/3/role"));
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body("{\"outbound\": {\"sideways\": {}}, \"inbound\": {\"trust\": {\"mfaAccepted\": \"yes\"}}}")
                .when().put(PATH, tenant, "fabrikam")
                .then().statusCode(422).body("field", equalTo("/outbound/sideways"))
                .body("errors", hasItem(containsString("/inbound/trust/mfaAccepted: must be true or false")));
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body("{\"outbound\": {\"collaboration\": {\"applications\": {\"access\": \"allowed\", \"targets\": []}}}}")
                .when().put(PATH, tenant, "fabrikam")
                .then().statusCode(422).body("field", equalTo("/outbound/collaboration/applications/targets"));
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body("{\"inbound\": {\"collaboration\": {\"users\": {\"access\": \"allowed\", \"targets\": [\"all\"]},"
                        + "\"usersAndGroups\": {\"access\": \"allowed\", \"targets\": [\"all\"]}}}}")
                .when().put(PATH, tenant, "fabrikam")
                .then().statusCode(422).body("field", equalTo("/inbound/collaboration/users"));
        given().header("Authorization", admin).contentType(ContentType.JSON).body(DOCS_EXAMPLE)
                .when().put(PATH, tenant, tenant)
                .then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("cannot be its own partner"));
        given().header("Authorization", admin).contentType(ContentType.JSON).body("{\"inbound\": [")
                .when().put(PATH, tenant, "fabrikam")
                .then().statusCode(400).contentType("application/problem+json");
        given().header("Authorization", admin).contentType(ContentType.JSON).body(DOCS_EXAMPLE)
                .when().put(PATH, tenant, "Fabrikam!")
                .then().statusCode(400).contentType("application/problem+json");
        given().header("Authorization", admin).contentType(ContentType.JSON).body("[]")
                .when().put(DEFAULT_PATH, tenant)
                .then().statusCode(400).contentType("application/problem+json"); // not an object: the reader refuses it
    }

    @Test
    void onlyTheTenantsOwnAdminsMayTouchIt() {
        String tenant = TestStack.tenant("contoso");
        given().header("Authorization", TestStack.adminOf("fabrikam")).contentType(ContentType.JSON).body(DOCS_EXAMPLE)
                .when().put(PATH, tenant, "fabrikam")
                .then().statusCode(403).contentType("application/problem+json");
        given().header("Authorization", TestStack.adminOf("fabrikam")).contentType(ContentType.JSON).body("{}")
                .when().put(DEFAULT_PATH, tenant)
                .then().statusCode(403).contentType("application/problem+json");
        for (String path : List.of(PATH, PATH + "/effective", PATH + "/history")) {
            given().header("Authorization", TestStack.memberOf(tenant, "collab-auditor"))
                    .when().get(path, tenant, "fabrikam")
                    .then().statusCode(403).contentType("application/problem+json");
        }
        given().when().get(DEFAULT_PATH, tenant).then().statusCode(401).contentType("application/problem+json");
        given().header("Authorization", TestStack.adminOf("fabrikam")).when().delete(PATH, tenant, "fabrikam")
                .then().statusCode(403);
    }

    private static ValidatableResponse putDefault(String tenant, String ifMatch, String body) {
        var request = given().header("Authorization", TestStack.adminOf(tenant)).contentType(ContentType.JSON).body(body);
        if (ifMatch != null) {
            request = request.header("If-Match", ifMatch);
        }
        return request.when().put(DEFAULT_PATH, tenant).then();
    }

    private static boolean refusedByReader(String escape) {
        return escape.equals("\\u0000") || escape.startsWith("\\ud");
    }
}
