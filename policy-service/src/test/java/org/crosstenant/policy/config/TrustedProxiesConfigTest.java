package org.crosstenant.policy.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.crosstenant.stack.infra.testing.TrustedProxies;
import org.junit.jupiter.api.Test;

/** The shipped trusted proxies are CIDR ranges only (see {@link TrustedProxies} why). */
class TrustedProxiesConfigTest {

    @Test
    void everyTrustedProxyIsACidrRange() {
        List<String> entries = TrustedProxies.shippedEntries();
        assertFalse(entries.isEmpty(), "trusted-proxies must be set: empty trusts every client");
        for (String entry : entries) {
            assertTrue(TrustedProxies.isCidr(entry),
                    "'" + entry + "' is not a CIDR range: it would be looked up by DNS on every request");
        }
    }
}
