package org.crosstenant.invitation.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Quarkus resolves every {@code quarkus.http.proxy.trusted-proxies} entry that is not in CIDR form through DNS on each
 * request: a host name, and a bare IPv6 address such as {@code ::1} too (its converter reads that as host:port). That
 * cost ~40 ms per request on the local stack (issue #5). The shipped default must be CIDR entries only.
 */
class TrustedProxiesConfigTest {

    /** An IPv4 or IPv6 literal with a prefix length: the form Quarkus matches without any lookup. */
    private static final Pattern CIDR = Pattern.compile("(\\d{1,3}(\\.\\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)/\\d{1,3}");

    @Test
    void everyTrustedProxyIsACidrRange() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/application.properties")) {
            properties.load(in);
        }
        String value = properties.getProperty("quarkus.http.proxy.trusted-proxies");
        assertFalse(value == null || value.isBlank(), "trusted-proxies must be set: empty trusts every client");
        for (String entry : value.split(",")) {
            assertTrue(CIDR.matcher(entry.trim()).matches(),
                    "'" + entry + "' is not a CIDR range: it would be looked up by DNS on every request");
        }
    }

    @Test
    void theCheckRefusesHostNamesAndBareAddresses() {
        for (String bad : new String[] {"::1", "localhost", "gateway.internal", "gateway/8"}) {
            assertFalse(CIDR.matcher(bad).matches(), bad);
        }
        for (String good : new String[] {"127.0.0.0/8", "::1/128", "10.244.0.0/16", "fd00::/8"}) {
            assertTrue(CIDR.matcher(good).matches(), good);
        }
    }
}
