package org.crosstenant.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Steps of the cross-tenant walk that do not depend on how the suite runs: shared by {@link CrossTenantWalkIT} (the
 * local stack's processes) and the Testcontainers walk of deploy/testcontainers (the suite's images), through this
 * module's test jar. Request bodies follow docs/api (access settings, invitations); the audit pages follow
 * docs/audit.md.
 */
public final class WalkSteps {

    private WalkSteps() {
    }

    /**
     * Waits until the invitation shows the status, as seen with the token.
     *
     * @param gateway      the gateway
     * @param invitationId the invitation's id
     * @param token        whose view
     * @param status       e.g. {@code pending_acceptance}, {@code denied}
     * @param atMost       how long the flow may take (Awaitility; a ConditionTimeoutException after it)
     * @return the invitation as JSON once it has that status
     */
    public static JsonNode awaitStatus(Gateway gateway, String invitationId, String token, String status,
            Duration atMost) {
        await("invitation " + invitationId + " " + status).atMost(atMost).pollInterval(Duration.ofMillis(200))
                .until(() -> status.equals(gateway.get("/api/v1/invitations/" + invitationId, token).json()
                        .path("status").asText()));
        return gateway.get("/api/v1/invitations/" + invitationId, token).json();
    }

    /**
     * Every audit record the token may read, page by page ({@code GET /api/v1/audit/records?after=}).
     *
     * @return the records in sequence order; an AssertionError when a page is not 200
     */
    public static List<JsonNode> auditRecords(Gateway gateway, String token) {
        List<JsonNode> all = new ArrayList<>();
        String after = "0";
        while (true) {
            Gateway.Answer page = gateway.get("/api/v1/audit/records?limit=100&after=" + after, token);
            assertEquals(200, page.status(), page.toString());
            JsonNode records = page.json().path("records");
            records.forEach(all::add);
            if (records.size() < 100) {
                return all;
            }
            after = records.get(records.size() - 1).path("sequence").asText();
        }
    }

    /** @return the actions of the records about one invitation, in their order */
    public static List<String> actionsOf(List<JsonNode> records, String invitationId) {
        return records.stream().filter(r -> invitationId.equals(r.path("invitationId").asText()))
                .map(r -> r.path("action").asText()).toList();
    }

    /**
     * A collaboration setting allowing the given users (or {@code all}) to the given applications (or {@code all}).
     *
     * @return the body of an {@code inbound} or {@code outbound} access setting
     */
    public static Map<String, Object> collaboration(List<String> users, List<String> applications) {
        List<Object> targets = users.stream().<Object>map(u -> u.equals("all") ? u : Map.of("user", u)).toList();
        return Map.of("collaboration", Map.of(
                "usersAndGroups", Map.of("access", "allowed", "targets", targets),
                "applications", Map.of("access", "allowed", "targets", applications)));
    }

    /** @return a partner's request to invite a fabrikam user into contoso's application */
    public static Map<String, Object> invitation(String application, String email) {
        return Map.of("resourceTenant", "contoso", "application", application,
                "invitee", Map.of("tenant", "fabrikam", "email", email));
    }

    /** Asserts an RFC 9457 problem answer: its content type and a {@code status} member equal to the HTTP status. */
    public static void assertProblem(Gateway.Answer answer) {
        assertTrue(String.valueOf(answer.contentType()).startsWith("application/problem+json"),
                "not problem+json: " + answer.contentType());
        assertEquals(answer.status(), answer.json().path("status").asInt(), answer.toString());
    }

    /** @return a claim of a JWT's payload, as text (the signature is not checked) */
    public static String claim(String token, String name) {
        try {
            String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
            return Gateway.JSON.readTree(payload).path(name).asText();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
