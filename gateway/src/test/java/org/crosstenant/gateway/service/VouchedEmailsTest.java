package org.crosstenant.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.crosstenant.platform.model.EmailAddresses;
import org.junit.jupiter.api.Test;

import jakarta.json.Json;
import jakarta.json.JsonValue;

/** Which address a home tenant may vouch for: verified, in its own domains, in one canonical form. */
class VouchedEmailsTest {

    private final VouchedEmails emails = new VouchedEmails(
            List.of("contoso=contoso.example", " fabrikam = Fabrikam.Example ", "fabrikam=eu.fabrikam.example"),
            Set.of("contoso", "fabrikam", "northwind"));

    @Test
    void aVerifiedAddressInTheTenantsOwnDomainIsVouchedForInLowerCase() {
        assertEquals("bob@fabrikam.example", emails.vouched("fabrikam", "bob@fabrikam.example", true));
        assertEquals("bob@fabrikam.example", emails.vouched("fabrikam", "Bob@FABRIKAM.example", JsonValue.TRUE));
        assertEquals("bob@fabrikam.example",
                emails.vouched("fabrikam", Json.createValue("bob@fabrikam.example"), JsonValue.TRUE));
        assertEquals("eve@eu.fabrikam.example", emails.vouched("fabrikam", "eve@eu.fabrikam.example", true));
    }

    @Test
    void aTenantCannotVouchForAnotherTenantsDomainNorForOneNobodyOwns() {
        assertNull(emails.vouched("fabrikam", "alice@contoso.example", true));
        assertNull(emails.vouched("contoso", "bob@fabrikam.example", true));
        assertNull(emails.vouched("fabrikam", "x@other.example", true));
        assertNull(emails.vouched("fabrikam", "x@sub.fabrikam.example", true), "subdomains are listed on their own");
        assertNull(emails.vouched("northwind", "n@northwind.example", true), "a tenant without domains vouches none");
        assertNull(emails.vouched(null, "bob@fabrikam.example", true));
    }

    @Test
    void onlyABooleanTrueEmailVerifiedCounts() {
        for (Object verified : new Object[] { false, JsonValue.FALSE, null, "true", Json.createValue("true"), 1 }) {
            assertNull(emails.vouched("fabrikam", "bob@fabrikam.example", verified), String.valueOf(verified));
        }
    }

    /**
     * The gateway vouches by the one rule the services accept invitees and targets by ({@link EmailAddresses}):
     * every address of an owned domain the rule accepts is vouched for in the services' canonical form, and none
     * the rule refuses, for a spread of generated addresses.
     */
    @Test
    void theGatewayVouchesExactlyForTheAddressesTheServicesAccept() {
        java.util.Random random = new java.util.Random(6);
        String[] pieces = {"a", "B", "9", ".", "-", "_", "+", "\u00f6", "\u0130", "\u212a", " ", "\"", "\\", "@", "\u0000"};
        int vouched = 0;
        for (int run = 0; run < 5000; run++) {
            StringBuilder local = new StringBuilder();
            for (int i = random.nextInt(random.nextInt(10) == 0 ? 80 : 8) + 1; i > 0; i--) {
                local.append(random.nextInt(3) == 0 ? pieces[random.nextInt(pieces.length)] : "x");
            }
            String email = local + "@" + (random.nextBoolean() ? "Fabrikam.example" : "fabrikam.example");
            String canonical = EmailAddresses.canonical(email);
            boolean accepted = EmailAddresses.violation(canonical) == null;
            assertEquals(accepted ? canonical : null, emails.vouched("fabrikam", email, true), email);
            vouched += accepted ? 1 : 0;
        }
        assertTrue(vouched > 500 && vouched < 4500, "both kinds generated: " + vouched);
    }

    @Test
    void addressesWithMoreThanOneFormOrNoClearDomainAreDropped() {
        for (String hostile : List.of("alice@contoso.example@fabrikam.example", "\"alice@contoso.example\"@fabrikam.example",
                "bob@fabrikam.example.", "bob @fabrikam.example", "bob@fabrikam.example\n\u0000", "bob\u0000@fabrikam.example",
                "j\u00f6rg@fabrikam.example", "bob@fabrikam..example", "bob@-fabrikam.example",
                "a".repeat(65) + "@fabrikam.example",
                "b\u0130b@fabrikam.example", "bob@fabr\u0131kam.example", "bob@\u212Aabrikam.example",
                "bob@fabrikam\uFF0Eexample", "@fabrikam.example", "fabrikam.example",
                "a".repeat(VouchedEmails.MAX_LENGTH - "@fabrikam.example".length() + 1) + "@fabrikam.example")) {
            assertNull(emails.vouched("fabrikam", hostile, true), hostile);
        }
        assertNull(emails.vouched("fabrikam", 42, true));
        String longest = "a".repeat(64) + "@fabrikam.example";
        assertEquals(longest, emails.vouched("fabrikam", " " + longest.toUpperCase() + "\n", true));
    }

    @Test
    void aDomainHasOneOwnerAndEntriesMustBeWellFormed() {
        Set<String> tenants = Set.of("contoso", "fabrikam");
        assertThrows(IllegalArgumentException.class,
                () -> new VouchedEmails(List.of("contoso=shared.example", "fabrikam=SHARED.example"), tenants));
        for (String bad : List.of("contoso", "=contoso.example", "contoso=localhost", "contoso=contoso.example.",
                "contoso=c\u00f6ntoso.example", "contoso=a=b.example", "contoso=-x.example")) {
            assertThrows(IllegalArgumentException.class, () -> new VouchedEmails(List.of(bad), tenants), bad);
        }
        // an entry of a tenant that is not federated vouches for nothing, and does not stop the gateway
        VouchedEmails ignored = new VouchedEmails(List.of("wingtip=wingtip.example"), tenants);
        assertNull(ignored.vouched("wingtip", "w@wingtip.example", true));
    }

    /** crosstenant.tenants.<t>.domains is the registry; the older crosstenant.gateway.email-domains still counts. */
    @Test
    void theTenantRegistryAndTheOlderPropertyAreMerged() {
        org.crosstenant.gateway.config.TenantsConfig registry = () -> java.util.Map.of(
                "contoso", tenant(List.of("contoso.example")), "fabrikam", tenant(List.of("Fabrikam.example")),
                "northwind", tenant(null));
        org.crosstenant.gateway.config.IdentityConfig older = () -> java.util.Optional.of(
                List.of("northwind=northwind.example", "fabrikam=fabrikam.example"));
        VouchedEmails merged = new VouchedEmails(VouchedEmails.entries(older, registry),
                Set.of("contoso", "fabrikam", "northwind"));
        assertEquals("alice@contoso.example", merged.vouched("contoso", "alice@contoso.example", true));
        assertEquals("bob@fabrikam.example", merged.vouched("fabrikam", "bob@fabrikam.example", true));
        assertEquals("n@northwind.example", merged.vouched("northwind", "n@northwind.example", true));
        assertNull(merged.vouched("northwind", "bob@fabrikam.example", true));

        org.crosstenant.gateway.config.IdentityConfig conflicting = () -> java.util.Optional.of(
                List.of("northwind=contoso.example"));
        assertThrows(IllegalArgumentException.class, () -> new VouchedEmails(
                VouchedEmails.entries(conflicting, registry), Set.of("contoso", "fabrikam", "northwind")),
                "a domain has one owner across both properties");
    }

    private static org.crosstenant.gateway.config.TenantsConfig.Tenant tenant(List<String> domains) {
        return new org.crosstenant.gateway.config.TenantsConfig.Tenant() {
            public java.util.Optional<List<String>> domains() {
                return java.util.Optional.ofNullable(domains);
            }

            public java.util.Optional<List<String>> mfaAcrValues() {
                return java.util.Optional.empty();
            }
        };
    }
}
