package org.crosstenant.policy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.crosstenant.policy.service.AccessSettingsParser;
import org.crosstenant.policy.service.PolicyEvents;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.FederatedTokens;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The limits of docs/api.md ("Limits") as a caller meets them: 413 and 422 problem+json naming the limit. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "policy"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class LimitsTest {

    static final long BODY_LIMIT = 512 * 1024;
    /** Kafka's default max.request.size / message.max.bytes region: every event must stay well below it. */
    static final int KAFKA_DEFAULT_MAX_RECORD = 1_048_576;

    @TestHTTPResource("/")
    URL base;

    @Test
    void aBodyOverTheByteLimitIs413ProblemJsonWithContentLength() throws Exception {
        String tenant = TestStack.tenant("contoso");
        assertTooLarge(put(tenant, "fabrikam", TestStack.adminOf(tenant), " ".repeat((int) BODY_LIMIT + 1), false));
    }

    @Test
    void aChunkedBodyOverTheByteLimitIs413ProblemJson() throws Exception {
        String tenant = TestStack.tenant("contoso");
        assertTooLarge(put(tenant, "fabrikam", TestStack.adminOf(tenant), " ".repeat((int) BODY_LIMIT + 1), true));
    }

    @Test
    void aChunkedBodyWithinTheLimitIsRead() throws Exception {
        String tenant = TestStack.tenant("contoso");
        RawUpload.Response response = put(tenant, "fabrikam", TestStack.adminOf(tenant),
                AccessSettingsResourceTest.DOCS_EXAMPLE, true);
        assertEquals(200, response.status(), response.body());
        assertEquals(1, new JsonObject(response.body()).getInteger("version"));
    }

    @Test
    void threeHundredThousandTargetsAreRefusedNotStored() throws Exception {
        String tenant = TestStack.tenant("fabrikam");
        List<String> targets = IntStream.range(0, 300_000).mapToObj(i -> "user" + i + "@fabrikam.example").toList();
        String body = usersBody("outbound", targets);
        assertTrue(body.length() > 8_000_000, "an 8.4 MB body as in the issue");
        assertTooLarge(put(tenant, "contoso", TestStack.adminOf(tenant), body, false));
        assertTooLarge(put(tenant, "contoso", TestStack.adminOf(tenant), body, true));
        given().header("Authorization", TestStack.adminOf(tenant)).when()
                .get(AccessSettingsResourceTest.PATH, tenant, "contoso").then().statusCode(404);
    }

    @Test
    void theIssuesCaseExpandingTargetIs422NamingFieldAndLimit() {
        String tenant = TestStack.tenant("fabrikam");
        String target = "\u0130" + "a".repeat(302) + "@fabrikam.example";
        given().header("Authorization", TestStack.adminOf(tenant)).contentType(ContentType.JSON)
                .body(usersBody("outbound", List.of(target)))
                .when().put(AccessSettingsResourceTest.PATH, tenant, "contoso")
                .then().statusCode(422).contentType("application/problem+json")
                .body("field", equalTo("/outbound/collaboration/usersAndGroups/targets/0/user"))
                .body("limit", equalTo(254))
                .body("detail", containsString("the limit is 254 bytes"));
    }

    @Test
    void aListOverItsLimitIs422NamingFieldAndLimit() {
        String tenant = TestStack.tenant("fabrikam");
        List<String> targets = IntStream.range(0, 501).mapToObj(i -> "u" + i + "@fabrikam.example").toList();
        given().header("Authorization", TestStack.adminOf(tenant)).contentType(ContentType.JSON)
                .body(usersBody("outbound", targets))
                .when().put(AccessSettingsResourceTest.PATH, tenant, "contoso")
                .then().statusCode(422).contentType("application/problem+json")
                .body("field", equalTo("/outbound/collaboration/usersAndGroups/targets"))
                .body("limit", equalTo(500))
                .body("detail", containsString("has 501 distinct entries; the limit is 500"));
    }

    @Test
    void applicationFieldsAtTheirLimitAreAcceptedAndOneMoreIsRefused() {
        String tenant = TestStack.tenant("contoso");
        String url = "http://apps.example/" + "p".repeat(2048 - "http://apps.example/".length());
        registration(tenant, Map.of("upstreamUrl", url, "displayName", "\u00e9".repeat(200)))
                .then().statusCode(200).body("upstreamUrl", equalTo(url));
        registration(tenant, Map.of("upstreamUrl", url + "p"))
                .then().statusCode(422).contentType("application/problem+json")
                .body("field", equalTo("/upstreamUrl")).body("limit", equalTo(2048));
        registration(tenant, Map.of("upstreamUrl", "http://apps.example", "displayName", "\u00e9".repeat(201)))
                .then().statusCode(422).body("field", equalTo("/displayName")).body("limit", equalTo(200));
        registration(tenant, Map.of("upstreamUrl", "http://apps.example", "displayName", "a\u0000b"))
                .then().statusCode(400).body("type", equalTo("urn:crosstenant:problem:malformed-json"))
                .body("field", equalTo("/displayName")).body("detail", containsString("U+0000"));
    }

    @Test
    void aSubjectTooLongToStoreIs422NamingTheClaim() {
        String tenant = TestStack.tenant("contoso");
        String atLimit = "Bearer " + FederatedTokens.token(tenant, "s".repeat(255), null, "collab-admin");
        given().header("Authorization", atLimit).contentType(ContentType.JSON)
                .body(Map.of("upstreamUrl", "http://apps.example"))
                .when().put("/api/v1/tenants/{tenant}/applications/{app}", tenant, "projects")
                .then().statusCode(200);
        String overLimit = "Bearer " + FederatedTokens.token(tenant, "s".repeat(256), null, "collab-admin");
        given().header("Authorization", overLimit).contentType(ContentType.JSON)
                .body(Map.of("upstreamUrl", "http://apps.example"))
                .when().put("/api/v1/tenants/{tenant}/applications/{app}", tenant, "projects")
                .then().statusCode(422).body("field", equalTo("token.home_sub")).body("limit", equalTo(255));
    }

    /**
     * The largest valid configuration (500 outbound users of 254 bytes each, 500 application ids of 63 characters
     * in both directions) is accepted; both user lists full is over the 256 KiB limit (422), its settings-changed event stays far below Kafka's 1 MB default,
     * and the stored form is read back by a decision.
     */
    @Test
    void theMaximalConfigurationIsAcceptedPublishedAndDecidedOn() {
        String resource = TestStack.tenant("res");
        String home = TestStack.tenant("home");
        List<String> users = IntStream.range(0, 500).mapToObj(LimitsTest::maximalEmail).toList();
        List<String> apps = IntStream.range(0, 499).mapToObj(i -> String.format("%03d", i) + "a".repeat(60))
                .collect(java.util.stream.Collectors.toCollection(java.util.ArrayList::new));
        apps.add("projects");
        String body = maximalBody(users, apps, false);
        assertTrue(body.getBytes(StandardCharsets.UTF_8).length < BODY_LIMIT);
        // both directions at their list limits: over the 256 KiB of canonical JSON one configuration may have
        given().header("Authorization", TestStack.adminOf(resource)).contentType(ContentType.JSON)
                .body(maximalBody(users, apps, true))
                .when().put(AccessSettingsResourceTest.PATH, resource, home)
                .then().statusCode(422).contentType("application/problem+json")
                .body("field", equalTo("")).body("limit", equalTo(262144))
                .body("detail", containsString("the limit is 262144 bytes"));

        given().header("Authorization", TestStack.adminOf(resource)).contentType(ContentType.JSON)
                .body(Map.of("upstreamUrl", "http://127.0.0.1:8090"))
                .when().put("/api/v1/tenants/{tenant}/applications/{app}", resource, "projects")
                .then().statusCode(200);
        for (String[] side : new String[][] {{resource, home}, {home, resource}}) {
            given().header("Authorization", TestStack.adminOf(side[0])).contentType(ContentType.JSON).body(body)
                    .when().put(AccessSettingsResourceTest.PATH, side[0], side[1])
                    .then().statusCode(200);
        }

        ConsumerRecord<String, String> event = KafkaSupport.awaitRecord(PolicyEvents.POLICY_EVENTS_TOPIC,
                r -> PolicyEvents.accessSettingsKey(home, resource).equals(r.key())
                        && PolicyEvents.ACCESS_SETTINGS_CHANGED.equals(KafkaSupport.header(r, "ce_type")));
        int size = event.value().getBytes(StandardCharsets.UTF_8).length;
        // stored + effective configuration: within the documented bound (docs/api.md, "Limits"), below Kafka's 1 MB
        assertTrue(size < 3 * AccessSettingsParser.MAX_CONFIGURATION_BYTES + 4096, "settings-changed event of " + size
                + " bytes");
        assertTrue(size < KAFKA_DEFAULT_MAX_RECORD, "settings-changed event of " + size + " bytes");
        JsonArray published = new JsonObject(event.value()).getJsonObject("settings").getJsonObject("outbound")
                .getJsonObject("collaboration").getJsonObject("usersAndGroups").getJsonArray("targets");
        assertEquals(userTargets(users), published);

        UUID invitation = UUID.randomUUID();
        KafkaSupport.produceCloudEvent(DecisionFlowTest.INVITATIONS, invitation.toString(),
                UUID.randomUUID().toString(), DecisionFlowTest.REQUESTED, DecisionFlowTest.requestedPayload(
                        new DecisionFlowTest.Pair(resource, home), invitation, users.get(499).toUpperCase(java.util.Locale.ROOT)));
        JsonObject decision = new JsonObject(DecisionFlowTest.awaitDecision(invitation).value());
        assertEquals("allow", decision.getString("outcome"), decision.encodePrettily());
    }

    /**
     * The largest settings-changed event there can be: the default fills its 256 KiB with inbound lists, the partner
     * configuration fills its own with outbound lists, so the published {@code effective} (every leaf from one or the
     * other) holds both, next to the partner configuration as stored. It stays within the documented bound and below
     * Kafka's default record limit, and carries every entry of both.
     */
    @Test
    void theLargestSettingsChangedEventMixesAFullDefaultWithAFullPartnerConfiguration() {
        String resource = TestStack.tenant("res");
        String home = TestStack.tenant("home");
        List<String> first = IntStream.range(0, 500).mapToObj(LimitsTest::maximalEmail).toList();
        List<String> second = IntStream.range(500, 970).mapToObj(LimitsTest::maximalEmail).toList();
        for (String direction : List.of("inbound", "outbound")) {
            String body = new JsonObject().put(direction, new JsonObject()
                    .put("collaboration", new JsonObject().put("usersAndGroups", listed(first)))
                    .put("directConnect", new JsonObject().put("usersAndGroups", listed(second)))).encode();
            int bytes = body.getBytes(StandardCharsets.UTF_8).length;
            assertTrue(bytes > AccessSettingsParser.MAX_CONFIGURATION_BYTES - 8192
                    && bytes <= AccessSettingsParser.MAX_CONFIGURATION_BYTES, "near the limit: " + bytes);
            // inbound lists in the default, outbound lists in the partner configuration
            var request = given().header("Authorization", TestStack.adminOf(resource)).contentType(ContentType.JSON)
                    .body(body).when();
            (direction.equals("inbound") ? request.put(AccessSettingsResourceTest.DEFAULT_PATH, resource)
                    : request.put(AccessSettingsResourceTest.PATH, resource, home)).then().statusCode(200);
        }
        ConsumerRecord<String, String> event = KafkaSupport.awaitRecord(PolicyEvents.POLICY_EVENTS_TOPIC,
                r -> PolicyEvents.accessSettingsKey(resource, home).equals(r.key())
                        && PolicyEvents.ACCESS_SETTINGS_CHANGED.equals(KafkaSupport.header(r, "ce_type"))
                        && !new JsonObject(r.value()).getJsonObject("settings", new JsonObject()).isEmpty());
        int size = event.value().getBytes(StandardCharsets.UTF_8).length;
        assertTrue(size > 2 * AccessSettingsParser.MAX_CONFIGURATION_BYTES, "the worst case is exercised: " + size);
        assertTrue(size < 3 * AccessSettingsParser.MAX_CONFIGURATION_BYTES + 4096, "settings-changed event of " + size
                + " bytes");
        assertTrue(size < KAFKA_DEFAULT_MAX_RECORD, "settings-changed event of " + size + " bytes");
        JsonObject effective = new JsonObject(event.value()).getJsonObject("effective");
        for (String direction : List.of("inbound", "outbound")) {
            JsonObject modes = effective.getJsonObject(direction);
            assertEquals(userTargets(first), modes.getJsonObject("collaboration").getJsonObject("usersAndGroups")
                    .getJsonArray("targets"), direction);
            assertEquals(userTargets(second), modes.getJsonObject("directConnect").getJsonObject("usersAndGroups")
                    .getJsonArray("targets"), direction);
        }
    }

    private static JsonObject listed(List<String> emails) {
        return new JsonObject().put("access", "allowed").put("targets", userTargets(emails));
    }

    /** 254 bytes: 64 before the @ (a 4-digit number and 60 letters), 189 after (three LDH labels and "com"). */
    static String maximalEmail(int i) {
        String email = String.format("%04d", i) + "x".repeat(60) + "@" + "d".repeat(63) + "." + "e".repeat(63) + "."
                + "f".repeat(57) + ".com";
        assertEquals(254, email.getBytes(StandardCharsets.UTF_8).length);
        return email;
    }

    /** Outbound users listed (inbound: all, or listed too when {@code bothListed}), both application lists. */
    private static String maximalBody(List<String> users, List<String> apps, boolean bothListed) {
        JsonObject listed = new JsonObject()
                .put("usersAndGroups", new JsonObject().put("access", "allowed").put("targets", userTargets(users)))
                .put("applications", new JsonObject().put("access", "allowed").put("targets", new JsonArray(apps)));
        JsonObject inbound = bothListed ? listed.copy() : new JsonObject()
                .put("usersAndGroups", new JsonObject().put("access", "allowed").put("targets", new JsonArray().add("all")))
                .put("applications", listed.getJsonObject("applications").copy());
        return new JsonObject()
                .put("inbound", new JsonObject().put("collaboration", inbound))
                .put("outbound", new JsonObject().put("collaboration", listed))
                .encode();
    }

    static String usersBody(String direction, List<String> targets) {
        return new JsonObject().put(direction, new JsonObject().put("collaboration", new JsonObject()
                .put("usersAndGroups", new JsonObject().put("access", "allowed").put("targets", userTargets(targets)))))
                .encode();
    }

    static JsonArray userTargets(List<String> emails) {
        return new JsonArray(emails.stream().map(email -> new JsonObject().put("user", email)).toList());
    }

    private static io.restassured.response.Response registration(String tenant, Map<String, String> body) {
        return given().header("Authorization", TestStack.adminOf(tenant)).contentType(ContentType.JSON).body(body)
                .when().put("/api/v1/tenants/{tenant}/applications/{app}", tenant, "projects");
    }

    private RawUpload.Response put(String tenant, String partner, String authorization, String body,
                                   boolean chunked) throws Exception {
        return RawUpload.send(base.toURI(), "PUT", "/api/v1/tenants/" + tenant + "/access-settings/partners/"
                + partner, authorization, body.getBytes(StandardCharsets.UTF_8), chunked);
    }

    static void assertTooLarge(RawUpload.Response response) {
        assertEquals(413, response.status(), response.body());
        assertEquals("application/problem+json", response.headers().get("content-type"));
        JsonObject problem = new JsonObject(response.body());
        assertEquals(413, problem.getInteger("status"));
        assertEquals("body", problem.getString("field"));
        assertEquals(BODY_LIMIT, problem.getLong("limit"));
        assertTrue(problem.getString("detail").contains(BODY_LIMIT + " bytes"), problem.encode());
    }
}
