package org.crosstenant.invitation.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Tenant and application ids follow policy-service's rule, so nothing accepted here is dead-lettered there. */
class IdRuleTest {

    @Test
    void acceptsWhatPolicyServiceAccepts() {
        for (String id : new String[] { "ab", "a-", "0x", "contoso-projects", "a".repeat(63) }) {
            assertEquals(id, InvitationService.validate("contoso", id, "fabrikam", "bob@fabrikam.example").application());
            assertEquals(id, InvitationService.validate(id, "app", "zz-other", "bob@fabrikam.example").resourceTenant());
        }
    }

    @Test
    void refusesWhatPolicyServiceWouldRefuse() {
        for (String id : new String[] { "x", "-app", "-", "a".repeat(64), "a_b", "" }) {
            ProblemException app = assertThrows(ProblemException.class,
                    () -> InvitationService.validate("contoso", id, "fabrikam", "bob@fabrikam.example"), id);
            assertEquals(422, app.status(), id);
            ProblemException tenant = assertThrows(ProblemException.class,
                    () -> InvitationService.validate("contoso", "app", id, "bob@fabrikam.example"), id);
            assertEquals(422, tenant.status(), id);
        }
    }
}
