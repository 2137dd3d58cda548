package org.crosstenant.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The counting of per-tenant shares: refusals take nothing, a release gives back exactly once. */
class UpstreamQuotasTest {

    private static final String UP = "http://127.0.0.1:8081";

    @Test
    void aRefusedStreamTakesNothingAndAReleaseCountsOnce() {
        UpstreamQuotas quotas = new UpstreamQuotas(3, 2, 1);
        UpstreamQuotas.Grant first = quotas.tryAcquire("fabrikam", "erin", UP, true);
        assertTrue(first.granted());
        assertEquals("streams-per-caller", quotas.tryAcquire("fabrikam", "erin", UP, true).refusedBy());
        assertEquals(1, quotas.inFlight("fabrikam"));
        assertTrue(quotas.tryAcquire("fabrikam", "frank", UP, true).granted());
        assertEquals("streams-per-tenant", quotas.tryAcquire("fabrikam", "carol", UP, true).refusedBy());
        assertEquals(2, quotas.openStreams("fabrikam"));
        assertTrue(quotas.tryAcquire("fabrikam", "carol", UP, false).granted());
        assertEquals("concurrent-per-tenant", quotas.tryAcquire("fabrikam", "carol", UP, false).refusedBy());
        // another upstream and another tenant have shares of their own
        assertTrue(quotas.tryAcquire("fabrikam", "carol", "http://127.0.0.1:8083", false).granted());
        assertTrue(quotas.tryAcquire("contoso", "dave", UP, true).granted());

        first.permit().release();
        first.permit().release();
        assertEquals(1, quotas.openStreams("fabrikam"));
        assertEquals(3, quotas.inFlight("fabrikam"));
        assertTrue(quotas.tryAcquire("fabrikam", "erin", UP, true).granted());
    }
}
