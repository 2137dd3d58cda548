package org.crosstenant.invitation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Issue #8, read-your-writes (design item 3): the answer to revoke, redeem, approve and decline names, in
 * {@code Crosstenant-View-Events}, the CloudEvent id of the event the change published on invitations.events, so
 * that the gateway can wait for its own view to pass it. A refused call changed nothing and names nothing.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "invitation"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class ViewEventsHeaderTest {

    static final String HEADER = "Crosstenant-View-Events";

    @Test
    void redeemAndRevokeNameTheEventsTheyPublished() {
        String[] pending = Api.pendingForBob();
        String id = pending[0];
        Response redeemed = Api.redeem(Tokens.bob(), id, pending[1]);
        redeemed.then().statusCode(200);
        assertEquals(published(id, "org.crosstenant.invitation.redeemed.v1"), redeemed.header(HEADER));

        Response revoked = Api.revoke(Tokens.contosoAdmin(), id);
        revoked.then().statusCode(200);
        assertEquals(published(id, "org.crosstenant.invitation.revoked.v1"), revoked.header(HEADER));

        Response again = Api.revoke(Tokens.contosoAdmin(), id);
        FilingTest.problem(again, 409);
        assertNull(again.header(HEADER), "a refused call published nothing");
    }

    @Test
    void approveAndDeclineNameTheEventsTheyPublished() {
        String approvedId = Api.fileForBob();
        String declinedId = Api.fileForBob();
        for (String id : List.of(approvedId, declinedId)) {
            Api.decideWithApproval(id);
            Api.awaitStatus(Tokens.contosoAdmin(), id, "pending_approval");
        }
        Response approved = ApprovalTest.review(Tokens.contosoAdmin(), approvedId, "approve", null);
        approved.then().statusCode(200);
        assertEquals(published(approvedId, "org.crosstenant.invitation.approved.v1"), approved.header(HEADER));
        Response declined = ApprovalTest.review(Tokens.contosoAdmin(), declinedId, "decline", "{\"reason\":\"no\"}");
        declined.then().statusCode(200);
        assertEquals(published(declinedId, "org.crosstenant.invitation.declined.v1"), declined.header(HEADER));
    }

    /** The ce_id of the one event of this type published for the invitation. */
    private static String published(String invitationId, String type) {
        List<ConsumerRecord<String, String>> records = KafkaSupport.awaitEvents(invitationId, type, 1);
        assertEquals(1, records.size(), type);
        String ceId = KafkaSupport.header(records.get(0), "ce_id");
        assertNotNull(ceId);
        return ceId;
    }
}
