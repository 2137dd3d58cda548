package org.crosstenant.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;

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

    @Test
    void addressesWithMoreThanOneFormOrNoClearDomainAreDropped() {
        for (String hostile : List.of("alice@contoso.example@fabrikam.example", "\"alice@contoso.example\"@fabrikam.example",
                "bob@fabrikam.example.", "bob @fabrikam.example", "bob@fabrikam.example\n", "bob\u0000@fabrikam.example",
                "b\u0130b@fabrikam.example", "bob@fabr\u0131kam.example", "bob@\u212Aabrikam.example",
                "bob@fabrikam\uFF0Eexample", "@fabrikam.example", "fabrikam.example",
                "a".repeat(VouchedEmails.MAX_LENGTH - "@fabrikam.example".length() + 1) + "@fabrikam.example")) {
            assertNull(emails.vouched("fabrikam", hostile, true), hostile);
        }
        assertNull(emails.vouched("fabrikam", 42, true));
        String longest = "a".repeat(VouchedEmails.MAX_LENGTH - "@fabrikam.example".length()) + "@fabrikam.example";
        assertEquals(longest, emails.vouched("fabrikam", longest, true));
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
}
