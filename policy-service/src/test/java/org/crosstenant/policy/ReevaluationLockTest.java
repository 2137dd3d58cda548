package org.crosstenant.policy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import org.crosstenant.policy.LiveInvitations.Invitation;
import org.crosstenant.policy.repository.LiveInvitationRepository;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A decision batch and a settings change (or an application removal) racing on the same tenant, made deterministic:
 * the test holds the tenant's advisory lock in its own transaction (as a change in progress would), lets the batch
 * and the change queue up
 * behind it in a chosen order (seen in pg_locks), and releases it. PostgreSQL grants in queue order, so either the
 * invitation is decided under the old settings and then re-evaluated by the change, or decided under the new ones:
 * never decided under the old settings without the change seeing it.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "policy"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class ReevaluationLockTest {

    @Test
    void aBatchQueuedBeforeTheChangeIsDecidedUnderTheOldSettingsAndWithdrawnByTheChange() throws Exception {
        DecisionFlowTest.Pair pair = DecisionFlowTest.Pair.configured("allowed");
        Invitation xavier = Invitation.of(pair, "xavier");
        assertEquals(200, race(pair.home(), xavier, true, () -> ReevaluationTest.outbound(pair, "blocked").extract()
                .statusCode()));
        assertEquals("allow", new JsonObject(DecisionFlowTest.awaitDecision(xavier.id()).value())
                .getString("outcome"));
        ReevaluationTest.assertWithdrawnOnce(xavier, "requested");
    }

    @Test
    void aBatchQueuedAfterTheChangeIsDecidedUnderTheNewSettings() throws Exception {
        DecisionFlowTest.Pair pair = DecisionFlowTest.Pair.configured("allowed");
        Invitation yvonne = Invitation.of(pair, "yvonne");
        assertEquals(200, race(pair.home(), yvonne, false, () -> ReevaluationTest.outbound(pair, "blocked").extract()
                .statusCode()));
        assertEquals("deny", new JsonObject(DecisionFlowTest.awaitDecision(yvonne.id()).value())
                .getString("outcome"));
        assertNull(LiveInvitations.row(yvonne.id()));
        assertEquals(List.of(), LiveInvitations.withdrawals(yvonne.id()));
    }

    /**
     * An application removal takes the resource tenant's lock as a settings change does (issue #8): a batch queued
     * before it is decided under the registration and then withdrawn by the removal.
     */
    @Test
    void aBatchQueuedBeforeARemovalIsDecidedUnderTheRegistrationAndWithdrawnByIt() throws Exception {
        DecisionFlowTest.Pair pair = DecisionFlowTest.Pair.configured("allowed");
        Invitation zoe = Invitation.of(pair, "zoe");
        assertEquals(204, race(pair.resource(), zoe, true, () -> remove(pair)));
        assertEquals("allow", new JsonObject(DecisionFlowTest.awaitDecision(zoe.id()).value())
                .getString("outcome"));
        ReevaluationTest.assertWithdrawnOnce(zoe, "requested");
    }

    /** A batch queued after a removal is decided without the registration: denied, never live. */
    @Test
    void aBatchQueuedAfterARemovalIsDeniedAsForAnUnregisteredApplication() throws Exception {
        DecisionFlowTest.Pair pair = DecisionFlowTest.Pair.configured("allowed");
        Invitation una = Invitation.of(pair, "una");
        assertEquals(204, race(pair.resource(), una, false, () -> remove(pair)));
        JsonObject decision = new JsonObject(DecisionFlowTest.awaitDecision(una.id()).value());
        assertEquals("deny", decision.getString("outcome"));
        assertEquals(List.of("application projects is not registered by " + pair.resource()),
                decision.getJsonArray("reasons").getList());
        assertNull(LiveInvitations.row(una.id()));
        assertEquals(List.of(), LiveInvitations.withdrawals(una.id()));
    }

    /**
     * Holds {@code tenant}'s lock, queues the invitation's decision batch and the change behind it in the given
     * order (both seen waiting in pg_locks), releases the lock and waits for the change's answer.
     *
     * @param batchFirst whether the batch queues before the change
     * @param change     the HTTP change, answering its status code
     * @return the change's status code
     */
    private static int race(String tenant, Invitation invitation, boolean batchFirst, Supplier<Integer> change)
            throws Exception {
        CompletableFuture<Integer> answer;
        try (Connection db = LiveInvitations.connect()) {
            db.setAutoCommit(false);
            hold(db, tenant);
            if (batchFirst) {
                LiveInvitations.produce(List.of(invitation.requested()));
                awaitWaiting(tenant, 1);
                answer = CompletableFuture.supplyAsync(change);
            } else {
                answer = CompletableFuture.supplyAsync(change);
                awaitWaiting(tenant, 1);
                LiveInvitations.produce(List.of(invitation.requested()));
            }
            awaitWaiting(tenant, 2);
            assertNull(LiveInvitations.row(invitation.id()), "decided while the lock was held");
            db.commit();
        }
        return answer.get();
    }

    private static int remove(DecisionFlowTest.Pair pair) {
        return io.restassured.RestAssured.given().header("Authorization", TestStack.adminOf(pair.resource()))
                .when().delete(ApplicationRemovalTest.PATH, pair.resource(), "projects").then().extract()
                .statusCode();
    }

    /** Takes the tenant's lock exclusively in the test's transaction, as a settings change does. */
    private static void hold(Connection db, String tenant) throws Exception {
        try (PreparedStatement lock = db.prepareStatement("select count(*) from pg_advisory_xact_lock(?, ?)")) {
            lock.setInt(1, LiveInvitationRepository.LOCK_NAMESPACE);
            lock.setInt(2, LiveInvitationRepository.lockKey(tenant));
            lock.executeQuery().close();
        }
    }

    /** Waits until {@code count} transactions wait for the tenant's lock. */
    private static void awaitWaiting(String tenant, int count) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> waiting(tenant) == count);
    }

    private static int waiting(String tenant) throws Exception {
        try (Connection db = LiveInvitations.connect(); PreparedStatement query = db.prepareStatement(
                "select count(*) from pg_locks where locktype = 'advisory' and not granted and objsubid = 2 "
                        + "and classid::bigint = ? and objid::bigint = ?")) {
            query.setLong(1, LiveInvitationRepository.LOCK_NAMESPACE);
            // pg_locks shows the int4 key as an unsigned oid
            query.setLong(2, LiveInvitationRepository.lockKey(tenant) & 0xffffffffL);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }
}
