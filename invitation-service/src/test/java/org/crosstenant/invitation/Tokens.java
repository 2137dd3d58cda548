package org.crosstenant.invitation;

import org.crosstenant.stack.infra.testing.FederatedTokens;

/** The people and systems of the tests, as federated tokens the gateway would send. */
final class Tokens {

    private Tokens() {
    }

    static String contosoAdmin() {
        return FederatedTokens.token("contoso", "alice-sub", "alice@contoso.example", "collab-admin");
    }

    static String fabrikamAdmin() {
        return FederatedTokens.token("fabrikam", "fiona-sub", "fiona@fabrikam.example", "collab-admin");
    }

    static String fabrikamPartner() {
        return FederatedTokens.token("fabrikam", "fabrikam-partner-svc", null, "collab-partner");
    }

    static String contosoPartner() {
        return FederatedTokens.token("contoso", "contoso-partner-svc", null, "collab-partner");
    }

    static String bob() {
        return FederatedTokens.token("fabrikam", "bob-sub", "bob@fabrikam.example");
    }

    /** Another person of the invitee's tenant. */
    static String frank() {
        return FederatedTokens.token("fabrikam", "frank-sub", "frank@fabrikam.example");
    }

    /** Bob's email, but a token of the wrong tenant. */
    static String bobAtContoso() {
        return FederatedTokens.token("contoso", "bob-lookalike", "bob@fabrikam.example");
    }
}
