package org.crosstenant.invitation;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** Small REST helpers over RestAssured for the flow tests. */
final class Api {

    static final String BASE = "/api/v1/invitations";

    private Api() {
    }

    static String body(String resourceTenant, String application, String inviteeTenant, String email) {
        ObjectNode node = JsonShape.JSON.createObjectNode();
        node.put("resourceTenant", resourceTenant);
        node.put("application", application);
        ObjectNode invitee = node.putObject("invitee");
        invitee.put("tenant", inviteeTenant);
        invitee.put("email", email);
        return node.toString();
    }

    /** Resource tenant and application of each invitation filed through {@link #file}, for {@link #decision}. */
    private static final Map<String, String[]> FILED = new ConcurrentHashMap<>();

    /**
     * A filing of a fabrikam invitee into a contoso application of its own ({@code contoso-app-<random>}): one live
     * request per (tenant, application, invitee) holds, so each test's requests for bob must not meet another's.
     */
    static String fabrikamInvitee(String email) {
        return body("contoso", freshApplication(), "fabrikam", email);
    }

    static String freshApplication() {
        return "contoso-app-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static RequestSpecification as(String token) {
        return given().auth().oauth2(token);
    }

    static Response file(String token, String body) {
        return remember(as(token).contentType(ContentType.JSON).body(body).post(BASE));
    }

    /** Notes a filing's resource tenant and application for {@link #decision} (for filings not made by {@link #file}). */
    static Response remember(Response filing) {
        if (filing.statusCode() == 202) {
            FILED.put(filing.path("id"), new String[] { filing.path("resourceTenant"), filing.path("application") });
        }
        return filing;
    }

    /** Files as fabrikam's partner system for bob and returns the id. */
    static String fileForBob() {
        return file(Tokens.fabrikamPartner(), fabrikamInvitee("bob@fabrikam.example")).then().statusCode(202)
                .extract().path("id");
    }

    static Response get(String token, String id) {
        return as(token).get(BASE + "/" + id);
    }

    static String awaitStatus(String token, String id, String status) {
        await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(50))
                .until(() -> status.equals(get(token, id).then().statusCode(200).extract().path("status")));
        return status;
    }

    static Response redeem(String token, String id, String code) {
        ObjectNode node = JsonShape.JSON.createObjectNode();
        node.put("code", code);
        return as(token).contentType(ContentType.JSON).body(node.toString()).post(BASE + "/" + id + "/redeem");
    }

    static Response revoke(String token, String id) {
        return as(token).post(BASE + "/" + id + "/revoke");
    }

    /** The payload policy-service would publish for this invitation. */
    static String decision(String invitationId, String outcome, String... reasons) {
        return decisionNode(invitationId, outcome, reasons).toString();
    }

    static ObjectNode decisionNode(String invitationId, String outcome, String... reasons) {
        ObjectNode node = JsonShape.JSON.createObjectNode();
        String[] filed = FILED.getOrDefault(invitationId, new String[] { "contoso", "contoso-projects" });
        node.put("decisionId", UUID.randomUUID().toString());
        node.put("invitationId", invitationId);
        node.put("resourceTenant", filed[0]);
        node.put("homeTenant", "fabrikam");
        node.put("application", filed[1]);
        node.put("inviteeEmail", "bob@fabrikam.example");
        node.put("outcome", outcome);
        var array = node.putArray("reasons");
        var shared = node.putArray("sharedReasons"); // the same words: tests of who reads which set their own
        for (String reason : reasons) {
            array.add(reason);
            shared.add(reason);
        }
        node.putObject("policyVersions").put("contoso", 1).put("fabrikam", 1);
        node.put("occurredAt", java.time.Instant.now().toString());
        return node;
    }

    static String decide(String invitationId, String outcome, String... reasons) {
        return KafkaSupport.produce(KafkaSupport.DECISIONS, invitationId, "org.crosstenant.policy.decided.v1",
                invitationId, decision(invitationId, outcome, reasons), UUID.randomUUID().toString());
    }

    /** Publishes an allow that requires an admin's approval ({@code approvalRequired: true}). */
    static String decideWithApproval(String invitationId) {
        ObjectNode node = decisionNode(invitationId, "allow", "allowed");
        node.put("approvalRequired", true);
        return KafkaSupport.produce(KafkaSupport.DECISIONS, invitationId, "org.crosstenant.policy.decided.v1",
                invitationId, node.toString(), UUID.randomUUID().toString());
    }

    static final String WITHDRAWN = "org.crosstenant.policy.access-withdrawn.v1";

    /**
     * The access-withdrawn.v1 payload policy-service would publish for this invitation (issue #8): a change of
     * {@code changedTenant}'s settings; each reason list says whom it is for, so tests can tell who read which.
     */
    static ObjectNode withdrawalNode(String invitationId, String previousStatus, String changedTenant) {
        ObjectNode node = JsonShape.JSON.createObjectNode();
        String[] filed = FILED.getOrDefault(invitationId, new String[] { "contoso", "contoso-projects" });
        node.put("withdrawalId", UUID.randomUUID().toString());
        node.put("invitationId", invitationId);
        node.put("resourceTenant", filed[0]);
        node.put("homeTenant", "fabrikam");
        node.put("application", filed[1]);
        node.put("inviteeEmail", "bob@fabrikam.example");
        node.put("previousStatus", previousStatus);
        node.put("cause", "policy-changed");
        node.put("changedTenant", changedTenant);
        node.putArray("reasons").add(RESOURCE_READS);
        node.putArray("sharedReasons").add(EITHER_READS);
        node.putArray("homeReasons").add(HOME_READS);
        node.putObject("policyVersions").put(filed[0], 2).put("fabrikam", 3);
        node.put("occurredAt", java.time.Instant.now().toString());
        return node;
    }

    /** A withdrawal's reason for the resource tenant (its deciding rule). */
    static final String RESOURCE_READS = "contoso inbound collaboration from fabrikam no longer admits bob@fabrikam.example"
            + " (/inbound/collaboration/usersAndGroups: blocked list, partner)";
    /** A withdrawal's reason either tenant may read. */
    static final String EITHER_READS = "contoso settings blocked it";
    /** A withdrawal's reason for the home tenant. */
    static final String HOME_READS = "contoso settings blocked it (read by fabrikam)";

    /** Publishes a withdrawal keyed by the invitation; returns its ce_id. */
    static String withdraw(ObjectNode withdrawal) {
        String id = withdrawal.path("invitationId").asText();
        return KafkaSupport.produce(KafkaSupport.DECISIONS, id, WITHDRAWN, id, withdrawal.toString(),
                UUID.randomUUID().toString());
    }

    /** Files for bob, approves, and returns {id, code}. */
    static String[] pendingForBob() {
        String id = fileForBob();
        decide(id, "allow", "contoso inbound admits fabrikam", "fabrikam outbound admits bob");
        awaitStatus(Tokens.fabrikamPartner(), id, "pending_acceptance");
        String code = get(Tokens.fabrikamPartner(), id).then().extract().path("redemptionCode");
        return new String[] { id, code };
    }

    /** Files for bob, approves, bob redeems: returns the id of the active grant. */
    static String grantForBob() {
        String[] pending = pendingForBob();
        redeem(Tokens.bob(), pending[0], pending[1]).then().statusCode(200);
        return pending[0];
    }
}
