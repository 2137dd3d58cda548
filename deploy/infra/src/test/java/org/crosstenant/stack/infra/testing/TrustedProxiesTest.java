package org.crosstenant.stack.infra.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

    @Test
    void theCheckRefusesHostNamesAndBareAddresses() {
        for (String bad : new String[] {"::1", "localhost", "gateway.internal", "gateway/8"}) {
            assertFalse(TrustedProxies.isCidr(bad), bad);
        }
        for (String good : new String[] {"127.0.0.0/8", "::1/128", "10.244.0.0/16", "fd00::/8"}) {
            assertTrue(TrustedProxies.isCidr(good), good);
        }
    }
}
