package org.crosstenant.invitation.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import org.crosstenant.invitation.config.SsfConfig;
import org.junit.jupiter.api.Test;

/** The SSRF rules of Shared Signals receivers when insecure receivers are not allowed (the default). */
class ReceiverAddressesTest {

    private final ReceiverAddresses strict = new ReceiverAddresses(config(false));
    private final ReceiverAddresses lax = new ReceiverAddresses(config(true));

    @Test
    void plainHttpAndInternalAddressesAreRefused() {
        for (String url : List.of("http://receiver.example/ssf", "https://127.0.0.1/ssf", "https://10.1.2.3/ssf",
                "https://192.168.0.1/", "https://172.16.5.5/", "https://169.254.169.254/latest", "https://[::1]/",
                "https://[fd00::1]/", "https://[fe80::1]/", "https://0.0.0.0/", "https://100.64.0.1/",
                "https://localhost/ssf",
                // names under localhost, numbers a resolver may read as loopback, special-purpose ranges, IPv6
                // forms that embed IPv4 or are not global unicast
                "https://localhost./ssf", "https://foo.localhost/ssf", "https://0x7f000001/", "https://2130706433/",
                "https://0x7f.1/", "https://127.1/", "https://017700000001/", "https://[::127.0.0.1]/",
                "https://[64:ff9b::7f00:1]/", "https://[2002:7f00:1::1]/", "https://[::ffff:0:7f00:1]/",
                "https://[::ffff:127.0.0.1]/", "https://[100::1]/", "https://[2001::1]/", "https://[2001:db8::1]/",
                "https://[ff02::1]/", "https://198.18.0.1/", "https://240.0.0.1/", "https://255.255.255.255/",
                "https://192.0.2.1/", "https://203.0.113.9/", "https://224.0.0.1/", "https://[3fff::1]/")) {
            ProblemException e = assertThrows(ProblemException.class,
                    () -> strict.checkRegistration("/delivery/endpoint_url", url), url);
            assertEquals(400, e.status(), url);
            assertEquals("/delivery/endpoint_url", e.field(), url);
        }
    }

    @Test
    void publicHttpsIsAcceptedAndTheFlagLiftsTheRules() {
        assertEquals("https://receiver.example/ssf",
                strict.checkRegistration("/f", "https://receiver.example/ssf").toString());
        assertEquals("https://93.184.216.34/ssf", strict.checkRegistration("/f", "https://93.184.216.34/ssf").toString());
        assertEquals("https://[2606:4700::1111]/ssf",
                strict.checkRegistration("/f", "https://[2606:4700::1111]/ssf").toString());
        assertEquals("https://8.8.8.8/ssf", strict.checkRegistration("/f", "https://8.8.8.8/ssf").toString());
        assertNotNull(lax.checkRegistration("/f", "http://127.0.0.1:9999/ssf"));
    }

    @Test
    void aNameResolvingToLoopbackIsRefusedAtDelivery() {
        assertNotNull(strict.deliveryRefusal(URI.create("https://localhost/ssf")));
        assertNull(lax.deliveryRefusal(URI.create("https://localhost/ssf")));
    }

    private static SsfConfig config(boolean insecure) {
        return new SsfConfig() {
            public String issuer() { return "https://collab.example"; }
            public Optional<String> signingKeyLocation() { return Optional.empty(); }
            public boolean signingKeyRequired() { return false; }
            public boolean allowInsecureReceivers() { return insecure; }
            public int maxStreamsPerTenant() { return 10; }
            public Delivery delivery() { return null; }
        };
    }
}
