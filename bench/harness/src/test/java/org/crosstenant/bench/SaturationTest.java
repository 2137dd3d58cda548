package org.crosstenant.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** When the saga counts a rate as saturated ({@link Bench#saturated}): judged by approvals on the topic. */
class SaturationTest {

    private static SagaLoad.Result result(long sent, long errors, double visibleP50, long incompleteVisible,
                                          double approvedP50, long incompleteApproved) {
        LatencySummary none = new LatencySummary(0, 0, 0, 0, 0);
        return new SagaLoad.Result(200, sent, errors, none, new LatencySummary(sent, visibleP50, 0, 0, 0),
                new LatencySummary(sent, approvedP50, 0, 0, 0), incompleteVisible, incompleteApproved, 0, 0, 0, "",
                List.of(none, none, none));
    }

    @Test
    void slowPolledVisibilityAloneIsNotSaturation() {
        // the harness's bounded polls fell behind (visible p50 19.7 s, 138 never seen), every approval arrived in time
        assertFalse(Bench.saturated(result(6000, 0, 19_694, 138, 876, 0)));
    }

    @Test
    void approvalsLateOrMissingOrRequestsFailingAreSaturation() {
        assertTrue(Bench.saturated(result(6000, 0, 300, 0, 5_001, 0)), "approval p50 above 5 s");
        assertTrue(Bench.saturated(result(6000, 0, 300, 0, 900, 61)), "over 1 % not approved by the end");
        assertTrue(Bench.saturated(result(6000, 61, 300, 0, 900, 0)), "over 1 % failed");
        assertFalse(Bench.saturated(result(6000, 30, 300, 0, 900, 30)), "1 % in all is still within");
    }
}
