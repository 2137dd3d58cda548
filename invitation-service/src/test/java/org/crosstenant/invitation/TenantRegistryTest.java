package org.crosstenant.invitation;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.UUID;

import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.FederatedTokens;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Issue #7: an invitee's address must be of one of its tenant's registered domains
 * ({@code crosstenant.tenants.<tenant>.domains}; in tests fabrikam has fabrikam.example and xn--bcher-kva.example),
 * compared in one canonical form, exactly. The whole kind: another tenant's domain, an unknown domain, a subdomain,
 * Unicode look-alikes and variants of the registered domain, a trailing dot, the U-label of a registered IDN, and a
 * tenant without any registered domain.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "invitation"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class TenantRegistryTest {

    @Test
    void anInviteeOutsideItsTenantsDomainsIsRefusedNamingTheField() {
        // well-formed addresses in canonical form, of a domain that is not the invitee tenant's: 422
        String[] notOwn = {
            "alice@contoso.example",          // another tenant's domain
            "ceo@globex.example",             // a domain nobody registered
            "bob@eu.fabrikam.example",        // a subdomain of the registered domain
            "bob@fabrikam.example.evil",      // the registered domain as a prefix
            "bob@xfabrikam.example",          // ... as a suffix
        };
        // look-alikes of a registered domain that are not in canonical form: ambiguous, 400 (never folded into it)
        String[] ambiguous = {
            "bob@b\u00fccher.example",        // the U-label of the registered xn--bcher-kva.example
            "bob@fabr\u0131kam.example",      // dotless i (U+0131)
            "bob@fabri\u212aam.example",      // Kelvin sign for k
            "bob@\uff46abrikam.example",      // fullwidth f (U+FF46)
            "bob\uff20fabrikam.example",      // fullwidth commercial at (U+FF20)
            "bob@fabrikam.example.",          // trailing dot
            "bob@fabrikam..example",          // empty label
            "\u001fbob@fabrikam.example",     // a separator Java would strip as white space
        };
        for (String[] kind : new String[][] {notOwn, ambiguous}) {
            int status = kind == notOwn ? 422 : 400;
            for (String email : kind) {
                FilingTest.problem(Api.file(Tokens.fabrikamPartner(), Api.fabrikamInvitee(email)), status)
                        .body("field", equalTo("/invitee/email"));
                // the resource tenant's admin cannot invite it either: the rule is about the invitee's tenant
                FilingTest.problem(Api.file(Tokens.contosoAdmin(), Api.fabrikamInvitee(email)), status)
                        .body("field", equalTo("/invitee/email"));
            }
        }
        FilingTest.problem(Api.file(Tokens.fabrikamPartner(), Api.fabrikamInvitee("alice@contoso.example")), 422)
                .body("detail", containsString("not a domain of tenant fabrikam"));
    }

    @Test
    void caseAndSpaceVariantsOfARegisteredDomainAreTheSameDomain() {
        String local = "v-" + UUID.randomUUID().toString().substring(0, 8);
        Api.file(Tokens.fabrikamPartner(), Api.fabrikamInvitee("  " + local.toUpperCase() + "@FabriKAM.Example "))
                .then().statusCode(202).body("invitee.email", equalTo(local + "@fabrikam.example"));
        Api.file(Tokens.fabrikamPartner(), Api.fabrikamInvitee(local + "@XN--BCHER-KVA.example")).then()
                .statusCode(202).body("invitee.email", equalTo(local + "@xn--bcher-kva.example"));
    }

    @Test
    void aTenantWithoutRegisteredDomainsCannotBeInvitedFor() {
        String globexPartner = FederatedTokens.token("globex", "globex-svc", null, "collab-partner");
        FilingTest.problem(Api.file(globexPartner, Api.body("contoso", Api.freshApplication(), "globex",
                "ceo@globex.example")), 422).body("field", equalTo("/invitee/email"))
                .body("detail", containsString("no registered email domain"));
    }

    /**
     * A well-formed resource tenant that is not in the registry is refused at filing (it would only be denied later),
     * to a partner system and to an admin of that would-be tenant alike; the invitee part is fine.
     */
    @Test
    void anUnregisteredResourceTenantIsRefusedAtFiling() {
        String globexAdmin = FederatedTokens.token("globex", "globex-admin", "admin@globex.example", "collab-admin");
        for (String token : new String[] { Tokens.fabrikamPartner(), globexAdmin }) {
            FilingTest.problem(Api.file(token, Api.body("globex", Api.freshApplication(), "fabrikam",
                    "bob@fabrikam.example")), 422).body("field", equalTo("/resourceTenant"))
                    .body("detail", equalTo("no tenant globex is registered"));
        }
        // any letter case of a registered tenant is that tenant
        Api.file(Tokens.fabrikamPartner(), Api.body("Contoso", Api.freshApplication(), "fabrikam",
                "bob@fabrikam.example")).then().statusCode(202).body("resourceTenant", equalTo("contoso"));
    }

    /**
     * A Fabrikam account whose verified email is Contoso's cannot be invited as a Fabrikam person (refused at
     * filing above), nor redeem Fabrikam bob's invitation: the address is not bob's.
     */
    @Test
    void aFabrikamAccountWithAContosoAddressGetsNoGrant() {
        String[] pending = Api.pendingForBob();
        String impostor = FederatedTokens.token("fabrikam", "impostor-sub", "alice@contoso.example");
        FilingTest.problem(Api.redeem(impostor, pending[0], pending[1]), 403);
        Api.redeem(Tokens.bob(), pending[0], pending[1]).then().statusCode(200);
    }
}
