package org.crosstenant.invitation;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.crosstenant.platform.model.HostileJson;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Issue #7's hostile JSON (a repeated {@code code} or {@code resourceTenant}, NUL in {@code invitee.email}, unpaired
 * surrogates, invalid UTF-8, deep nesting, long numbers, trailing content, a body that is not an object), in every
 * family {@link HostileJson} generates, posted to every invitation-service endpoint that takes a body: each is 400
 * problem+json {@code malformed-json} naming the JSON pointer, and nothing is stored — no invitation, no idempotency
 * record, no counted redemption attempt.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "invitation"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class HostileJsonTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    Pool database;

    @Test
    void filingRefusesEveryHostileBodyAndStoresNothing() throws Exception {
        String valid = Api.fabrikamInvitee("hostile-" + UUID.randomUUID() + "@fabrikam.example");
        long before = storedRows();
        List<String> failures = refusals(Api.BASE, Tokens.fabrikamPartner(), valid);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertEquals(before, storedRows(), "no invitation and no idempotency record stored");
        Api.file(Tokens.fabrikamPartner(), valid).then().statusCode(202); // the valid body the variants came from
    }

    @Test
    void redemptionRefusesEveryHostileBodyAndCountsNoAttempt() throws Exception {
        String[] pending = Api.pendingForBob();
        String valid = new JsonObject().put("code", pending[1]).encode();
        List<String> failures = refusals(Api.BASE + "/" + pending[0] + "/redeem", Tokens.bob(), valid);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        // dozens of refused bodies, yet five wrong codes would have invalidated it: none was counted
        Api.redeem(Tokens.bob(), pending[0], pending[1]).then().statusCode(200).body("status", equalTo("accepted"));
    }

    private List<String> refusals(String path, String token, String valid) throws Exception {
        List<String> failures = new ArrayList<>();
        List<HostileJson.Sample> samples = HostileJson.variants(valid);
        for (HostileJson.Sample sample : samples) {
            RawUpload.Response response = RawUpload.send(base.toURI(), "POST", path, "Bearer " + token,
                    sample.body(), false);
            String fault = HostileJson.fault(sample, response.status(), response.headers().get("content-type"),
                    response.body());
            if (fault != null) {
                failures.add(sample.name() + ": " + fault);
            }
        }
        if (!failures.isEmpty()) {
            failures.add(0, failures.size() + " of " + samples.size() + " hostile bodies to " + path
                    + " were not refused as malformed-json:");
        }
        return failures;
    }

    private long storedRows() {
        return database.query("select (select count(*) from invitation) + (select count(*) from idempotency_key)")
                .execute().await().indefinitely().iterator().next().getLong(0);
    }
}
